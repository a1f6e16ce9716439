/**
 * urql (`@urql/core` 6) against Kunskapsgraf.
 *
 * urql sends a query as GET when its URL stays under 2048 characters (`preferGetMethod:
 * "within-url-limit"`, the default), with no `content-type` and no custom header. Apollo Server's
 * CSRF prevention refuses such a GET (400 BAD_REQUEST), since a web page could make a browser send
 * it. Set the one option `preferGetMethod: false` and urql POSTs `application/json`, which is
 * accepted (and can be answered from the server's response cache). Alternatively keep GET and send
 * the header `apollo-require-preflight: true` (see `createUrqlGetClient`).
 */
import { Client, createClient, fetchExchange, gql } from "@urql/core";

export function createUrqlClient(url: string, apiKey?: string): Client {
  return createClient({
    url,
    exchanges: [fetchExchange],
    preferGetMethod: false,
    fetchOptions: apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : undefined,
  });
}

/** GET for queries, with the header that marks the request as sent by a script (not a form or a link). */
export function createUrqlGetClient(url: string): Client {
  return createClient({
    url,
    exchanges: [fetchExchange],
    fetchOptions: { headers: { "apollo-require-preflight": "true" } },
  });
}

export const REGION = gql<
  { region: { id: string; name: string; healthcareRegion: { name: string } } | null },
  { countyCode: string }
>`
  query Region($countyCode: String!) {
    region(countyCode: $countyCode) {
      id
      name
      healthcareRegion {
        name
      }
    }
  }
`;

export async function regionName(client: Client, countyCode: string): Promise<string | undefined> {
  const result = await client.query(REGION, { countyCode }).toPromise();
  if (result.error) throw result.error;
  return result.data?.region?.name;
}

if (require.main === module) {
  regionName(createUrqlClient(process.env.KG_API_URL ?? "http://127.0.0.1:4000/graphql"), "22").then(
    (name) => console.log(name),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
