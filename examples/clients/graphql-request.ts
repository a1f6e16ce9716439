/**
 * graphql-request 7 against Kunskapsgraf.
 *
 * POST (the default) sends `content-type: application/json` and works as it is. For GET
 * (`method: "GET"`) send `apollo-require-preflight: true` as well: graphql-request sends no
 * content type on GET, and Apollo Server's CSRF prevention refuses a GET without one of its
 * preflight headers (400 BAD_REQUEST).
 */
import { GraphQLClient, gql } from "graphql-request";

export function createPostClient(url: string, apiKey?: string): GraphQLClient {
  return new GraphQLClient(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
}

export function createGetClient(url: string): GraphQLClient {
  return new GraphQLClient(url, { method: "GET", headers: { "apollo-require-preflight": "true" } });
}

export const MUNICIPALITY = gql`
  query Municipality($code: String!) {
    municipality(code: $code) {
      id
      code
      name
    }
  }
`;

export interface MunicipalityResult {
  municipality: { id: string; code: string; name: string } | null;
}

export async function municipalityName(client: GraphQLClient, code: string): Promise<string | undefined> {
  const data = await client.request<MunicipalityResult, { code: string }>(MUNICIPALITY, { code });
  return data.municipality?.name;
}

if (require.main === module) {
  municipalityName(createPostClient(process.env.KG_API_URL ?? "http://127.0.0.1:4000/graphql"), "2281").then(
    (name) => console.log(name),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
