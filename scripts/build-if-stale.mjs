// `npm start` builds first only what is older than its sources, so a warm start does not compile.
import { buildGraphiql, buildServer, graphiqlStale, serverStale } from "./build-state.mjs";

if (serverStale()) {
  console.error("Building the server (the sources changed since the last build)…");
  buildServer();
}
if (graphiqlStale()) {
  console.error("Building GraphiQL…");
  buildGraphiql();
}
