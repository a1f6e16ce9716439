// GraphiQL served by the API itself, bundled at build time (scripts/build-graphiql.mjs): no CDN,
// no request anywhere but this server.
import { GraphiQL } from "graphiql";
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import "graphiql/graphiql.css";
import { EXAMPLES } from "./examples.js";

// The page is served at the GraphQL endpoint itself.
const endpoint = window.location.origin + window.location.pathname;

/** Posts each operation with the headers entered in GraphiQL's header editor (e.g. Authorization). */
async function fetcher(params, options) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      ...(options?.headers ?? {}),
    },
    body: JSON.stringify(params),
  });
  return response.json();
}

createRoot(document.getElementById("graphiql")).render(
  createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultTabs: EXAMPLES.map(({ query }) => ({ query })),
  }),
);
