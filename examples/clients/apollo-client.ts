/**
 * Apollo Client 4 against Kunskapsgraf.
 *
 * - The cache needs no `keyFields`: every object type the API returns implements `Node` with a
 *   global `id` unique across types, so `InMemoryCache` normalises by `__typename` and `id` as it is.
 * - Fragments on an interface or a union (`... on GovernanceGroup`, `... on Node` in `search`
 *   results) need `possibleTypes`, which `possibleTypesOf` reads from the schema (`schema.graphql`
 *   or an introspection result); fragments on object types need nothing.
 * - Lists are Relay connections: `relayStylePagination` merges pages of one list (one field policy,
 *   keyed by the arguments that choose the list, not by the page arguments).
 * - Apollo Client POSTs `application/json`, which Apollo Server's CSRF prevention lets through.
 *   With `useGETForQueries: true` it still sends `content-type: application/json` on GET, which
 *   the server accepts too; POST is better here, since only POSTs are answered from the response cache.
 *
 * Run: `npx tsc -p examples/clients && node dist-examples/examples/clients/apollo-client.js` (KG_API_URL, KG_API_KEY).
 */
import { ApolloClient, HttpLink, InMemoryCache, gql, type TypedDocumentNode } from "@apollo/client";
import { relayStylePagination } from "@apollo/client/utilities";
import { buildSchema, isAbstractType } from "graphql";
import { filter, firstValueFrom } from "rxjs";

export interface ApolloClientOptions {
  /** Sent as `Authorization: Bearer …`; reading the public structure needs none. */
  apiKey?: string;
  /** The object types of each interface and union, for fragments on them (see `possibleTypesOf`). */
  possibleTypes?: Record<string, string[]>;
}

export function createApolloClient(url: string, { apiKey, possibleTypes }: ApolloClientOptions = {}): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: url, headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} }),
    cache: new InMemoryCache({
      possibleTypes,
      typePolicies: {
        Query: {
          fields: {
            // Pages of `groups` with the same filter and order form one list in the cache.
            groups: relayStylePagination(["filter", "orderBy"]),
          },
        },
      },
    }),
  });
}

/** Each interface and union of the schema (SDL) with its object types, as InMemoryCache's `possibleTypes` wants them. */
export function possibleTypesOf(sdl: string): Record<string, string[]> {
  const schema = buildSchema(sdl);
  const possibleTypes: Record<string, string[]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (isAbstractType(type) && !type.name.startsWith("__"))
      possibleTypes[type.name] = schema.getPossibleTypes(type).map((object) => object.name);
  }
  return possibleTypes;
}

export interface GroupsPage {
  groups: {
    totalCount: number;
    edges: { cursor: string; node: { __typename: string; id: string; slug: string; name: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

export const NPO_GROUPS: TypedDocumentNode<GroupsPage, { first: number; after?: string | null }> = gql`
  query NationalProgramAreas($first: Int!, $after: String) {
    groups(filter: { kind: [NPO] }, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          slug
          name
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** Reads `pages` pages of the NPOs with `fetchMore`; the cache merges them into one list. */
export async function listNationalProgramAreas(client: ApolloClient, pageSize: number, pages: number) {
  const query = client.watchQuery({ query: NPO_GROUPS, variables: { first: pageSize } });
  // An ObservableQuery is an RxJS observable: it fetches once subscribed, and holds the merged list after each page.
  const first = await firstValueFrom(query.pipe(filter((emitted) => emitted.dataState === "complete")));
  let pageInfo = first.data?.groups.pageInfo;
  for (let page = 1; page < pages && pageInfo?.hasNextPage; page++) {
    const next = await query.fetchMore({ variables: { after: pageInfo.endCursor } });
    pageInfo = next.data?.groups.pageInfo;
  }
  const result = query.getCurrentResult();
  if (result.dataState !== "complete") throw new Error("The list is not complete in the cache");
  return result.data.groups;
}

export interface SearchResults {
  search: {
    nodes: (
      | { __typename: "Person"; id: string; name: string }
      | { __typename: "Organisation"; id: string; name: string }
      | { __typename: string; id: string; slug: string; name: string; level: string }
    )[];
  };
}

/** Search results are a union; the fragments on `Node` and `GovernanceGroup` need `possibleTypes`. */
export const SEARCH: TypedDocumentNode<SearchResults, { query: string }> = gql`
  query Search($query: String!) {
    search(query: $query, first: 20) {
      nodes {
        ... on Node {
          id
        }
        ... on GovernanceGroup {
          slug
          name
          level
        }
        ... on Person {
          name
        }
        ... on Organisation {
          name
        }
      }
    }
  }
`;

if (require.main === module) {
  const client = createApolloClient(process.env.KG_API_URL ?? "http://127.0.0.1:4000/graphql", {
    apiKey: process.env.KG_API_KEY,
  });
  listNationalProgramAreas(client, 10, 3).then(
    (groups) => {
      for (const { node } of groups.edges) console.log(`${node.slug}\t${node.name}`);
      console.log(`${groups.edges.length} of ${groups.totalCount}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
