/**
 * Relay (relay-runtime 21) against Kunskapsgraf, without React.
 *
 * The Relay compiler reads the operations written with `graphql` in this folder and writes their
 * artifacts to `__generated__/` (checked in; `npx relay-compiler` in this folder after a change,
 * `relay-compiler --validate` in CI). Relay normalises by `id` as it is: the API's global ids are
 * unique across types, and `node(id:)` refetches any object.
 */
import {
  Environment,
  Network,
  RecordSource,
  Store,
  fetchQuery,
  graphql,
  type FetchFunction,
  type GraphQLResponse,
} from "relay-runtime";
import type { relayRegionQuery } from "./__generated__/relayRegionQuery.graphql";
import regionQuery from "./__generated__/relayRegionQuery.graphql";

/**
 * The operation as the Relay compiler reads it. With the Babel or SWC Relay plugin, `graphql`
 * becomes the artifact at build time; without one, as here, the artifact is imported (above) and
 * the tag must never run: it throws at run time.
 */
export const regionQueryDefinition = () => graphql`
  query relayRegionQuery($countyCode: String!) {
    region(countyCode: $countyCode) {
      id
      name
      healthcareRegion {
        id
        name
      }
      localProgramAreas {
        id
        slug
        name
        validFrom
      }
    }
  }
`;

export function createRelayEnvironment(url: string, apiKey?: string): Environment {
  const fetchFn: FetchFunction = async (operation, variables) => {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({ query: operation.text, variables }),
    });
    return (await response.json()) as GraphQLResponse;
  };
  return new Environment({ network: Network.create(fetchFn), store: new Store(new RecordSource()) });
}

export async function region(
  environment: Environment,
  countyCode: string,
): Promise<relayRegionQuery["response"]["region"]> {
  const data = await fetchQuery<relayRegionQuery>(environment, regionQuery, { countyCode }).toPromise();
  return data?.region ?? null;
}

if (require.main === module) {
  region(createRelayEnvironment(process.env.KG_API_URL ?? "http://127.0.0.1:4000/graphql"), "22").then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
