/**
 * Typed operations from GraphQL Code Generator (see codegen.ts): `graphql()` returns a
 * TypedDocumentNode, so graphql-request (or Apollo Client, urql) types the result and the variables.
 * Regenerate `gql/` after changing an operation: `npx graphql-codegen --config examples/clients/codegen.ts`.
 */
import { GraphQLClient } from "graphql-request";
import { graphql } from "./gql";
import type { GroupPeriodQuery } from "./gql/graphql";

export const GROUP_PERIOD = graphql(`
  query GroupPeriod($slug: String!) {
    group(slug: $slug) {
      id
      kind
      name
      validFrom
      validTo
      version
    }
  }
`);

export async function groupPeriod(url: string, slug: string): Promise<GroupPeriodQuery["group"]> {
  const client = new GraphQLClient(url);
  const data = await client.request(GROUP_PERIOD, { slug });
  return data.group;
}

if (require.main === module) {
  groupPeriod(process.env.KG_API_URL ?? "http://127.0.0.1:4000/graphql", "psykisk-halsa").then(
    (group) =>
      console.log(group ? `${group.name}: ${group.validFrom ?? "…"} – ${group.validTo ?? ""}` : "no such group"),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
