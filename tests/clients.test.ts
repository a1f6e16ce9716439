import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createClient, fetchExchange } from "@urql/core";
import { ClientError, GraphQLClient } from "graphql-request";
import {
  createApolloClient,
  listNationalProgramAreas,
  NPO_GROUPS,
  possibleTypesOf,
  SEARCH,
} from "../examples/clients/apollo-client";
import { createUrqlClient, createUrqlGetClient, regionName, REGION } from "../examples/clients/urql";
import { createGetClient, createPostClient, MUNICIPALITY, municipalityName } from "../examples/clients/graphql-request";
import { createRelayEnvironment, region } from "../examples/clients/relay/relay";
import codegenConfig from "../examples/clients/codegen";
import { groupPeriod } from "../examples/clients/typed-client";
import { startTestServer, type TestServer } from "./support/test-server";

/**
 * The recipes of examples/clients/ (the README's "Using the API from clients"), each run with its
 * client library against the real server, so the guide cannot go stale.
 */
const ROOT = path.join(__dirname, "..");
const CLIENTS = path.join(ROOT, "examples", "clients");
const run = promisify(execFile);

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** How many GraphQL requests with this operation name the server executed so far. */
function executed(operationName: string): number {
  return server.logs.filter((line) => line.msg === "graphql request" && line.operationName === operationName).length;
}

/** Records the method of every request sent with the global fetch (urql and graphql-request use it). */
function recordMethods(): string[] {
  const methods: string[] = [];
  const original = globalThis.fetch;
  jest.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    methods.push(init?.method ?? (input instanceof Request ? input.method : "GET"));
    return original(input, init);
  });
  return methods;
}

describe("the GET rule (README, GraphQL over HTTP)", () => {
  const get = (query: string, headers: Record<string, string> = {}, params: Record<string, string> = {}) =>
    fetch(`${server.url}?${new URLSearchParams({ query, ...params }).toString()}`, {
      headers: { accept: "application/graphql-response+json, application/json", ...headers },
    });
  const ask = `query Ask($code: String!) { municipality(code: $code) { name } }`;
  const variables = { variables: JSON.stringify({ code: "2281" }) };

  it("executes a GET query that carries a preflight header or a content type a form cannot send", async () => {
    const accepted: Record<string, string>[] = [
      { "apollo-require-preflight": "true" },
      { "x-apollo-operation-name": "Ask" },
      { "content-type": "application/json" },
    ];
    for (const headers of accepted) {
      const response = await get(ask, headers, variables);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ data: { municipality: { name: "Sundsvall" } } });
    }
  });

  it("refuses a GET a page could make a browser send, before authenticating or executing anything", async () => {
    const before = executed("Ask");
    const refused: Record<string, string>[] = [
      {},
      { "content-type": "text/plain" },
      { "content-type": "application/x-www-form-urlencoded" },
      { "content-type": "multipart/form-data; boundary=x" },
      { "apollo-require-preflight": "" },
      // Even with a key: the refusal comes first.
      { authorization: "Bearer kg_not-a-key" },
    ];
    for (const headers of refused) {
      const response = await get(ask, headers, variables);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]).toMatchObject({ extensions: { code: "BAD_REQUEST" } });
      expect(body.errors[0]!.message).toMatch(/Cross-Site Request Forgery/);
    }
    expect(executed("Ask")).toBe(before);
  });

  it("never runs a mutation over GET (405), and refuses a request line over 16 KiB (431)", async () => {
    const mutation = await get(`mutation { endMembership(input: { id: "x" }) { id } }`, {
      "apollo-require-preflight": "true",
    });
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get("allow")).toBe("POST");
    const long = await get(`{ __typename ${"__typename ".repeat(1600)}}`, { "apollo-require-preflight": "true" });
    expect(long.status).toBe(431);
  });
});

describe("Apollo Client", () => {
  it("normalises by global id with no type policy and pages a connection twice with relayStylePagination", async () => {
    const client = createApolloClient(server.url);
    const before = executed("NationalProgramAreas");
    const groups = await listNationalProgramAreas(client, 10, 3);
    expect(executed("NationalProgramAreas") - before).toBe(3);
    expect(groups.totalCount).toBe(25);
    // Three pages merged into one list, in order, none twice.
    expect(groups.edges).toHaveLength(25);
    const ids = groups.edges.map((edge) => edge.node.id);
    expect(new Set(ids).size).toBe(25);
    const names = groups.edges.map((edge) => edge.node.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "sv")));
    expect(groups.pageInfo.hasNextPage).toBe(false);

    // Normalised by __typename and id alone: one entry per group, and one list under the field's key arguments.
    const cache = client.cache.extract() as Record<string, Record<string, unknown>>;
    for (const id of ids) expect(cache[`NationalProgramArea:${id}`]).toMatchObject({ id });
    const root = cache.ROOT_QUERY!;
    expect(Object.keys(root).filter((key) => key.startsWith("groups"))).toEqual(['groups:{"filter":{"kind":["NPO"]}}']);

    // The merged list is read from the cache: no further request.
    const cached = await client.query({ query: NPO_GROUPS, variables: { first: 10 }, fetchPolicy: "cache-only" });
    expect(cached.data?.groups.edges).toHaveLength(25);
    expect(executed("NationalProgramAreas") - before).toBe(3);
  });

  it("reads fragments on interfaces and unions back from the cache with possibleTypes from schema.graphql", async () => {
    const possibleTypes = possibleTypesOf(await readFile(path.join(ROOT, "schema.graphql"), "utf8"));
    expect(possibleTypes.GovernanceGroup).toEqual(expect.arrayContaining(["NationalProgramArea", "LocalProgramArea"]));
    expect(possibleTypes.SearchResult).toEqual(expect.arrayContaining(["Person", "Organisation"]));
    const client = createApolloClient(server.url, { possibleTypes });
    const fetched = await client.query({ query: SEARCH, variables: { query: "psykisk" } });
    const groups = fetched.data!.search.nodes.filter((node) => "slug" in node);
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) expect(group).toMatchObject({ slug: expect.any(String), level: expect.any(String) });
    // Complete from the cache alone: every fragment matched when the result was written and when it is read.
    const cached = await client.query({ query: SEARCH, variables: { query: "psykisk" }, fetchPolicy: "cache-only" });
    expect(cached.data).toEqual(fetched.data);
  });
});

describe("urql", () => {
  it("with its default options sends a short query as GET without a preflight header, which CSRF prevention refuses", async () => {
    const methods = recordMethods();
    const client = createClient({ url: server.url, exchanges: [fetchExchange] });
    const result = await client.query(REGION, { countyCode: "22" }).toPromise();
    expect(methods).toEqual(["GET"]);
    expect(result.data).toBeUndefined();
    expect(result.error?.response).toMatchObject({ status: 400 });
    expect(result.error?.graphQLErrors[0]?.extensions.code).toBe("BAD_REQUEST");
    expect(result.error?.message).toMatch(/Cross-Site Request Forgery/);
    expect(executed("Region")).toBe(0);
  });

  it("works with the one option of the recipe, preferGetMethod: false (POST)", async () => {
    const methods = recordMethods();
    expect(await regionName(createUrqlClient(server.url), "22")).toBe("Region Västernorrland");
    expect(methods).toEqual(["POST"]);
  });

  it("works over GET with the apollo-require-preflight header", async () => {
    const methods = recordMethods();
    expect(await regionName(createUrqlGetClient(server.url), "22")).toBe("Region Västernorrland");
    expect(methods).toEqual(["GET"]);
  });
});

describe("graphql-request", () => {
  it("works over POST as it is", async () => {
    const methods = recordMethods();
    expect(await municipalityName(createPostClient(server.url), "2281")).toBe("Sundsvall");
    expect(methods).toEqual(["POST"]);
  });

  it("works over GET with the apollo-require-preflight header, and is refused without it", async () => {
    const methods = recordMethods();
    expect(await municipalityName(createGetClient(server.url), "2281")).toBe("Sundsvall");
    const refused = await new GraphQLClient(server.url, { method: "GET" })
      .request(MUNICIPALITY, { code: "2281" })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClientError);
    expect((refused as ClientError).response.status).toBe(400);
    expect((refused as ClientError).response.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
    expect(methods).toEqual(["GET", "GET"]);
  });
});

describe("Relay", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-relay-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("compiles the checked-in operations to the checked-in artifacts with relay.config.json", async () => {
    const config = JSON.parse(await readFile(path.join(CLIENTS, "relay", "relay.config.json"), "utf8")) as {
      schema: string;
    };
    await writeFile(
      path.join(dir, "relay.config.json"),
      JSON.stringify({ ...config, schema: path.resolve(CLIENTS, "relay", config.schema) }),
    );
    await copyFile(path.join(CLIENTS, "relay", "relay.ts"), path.join(dir, "relay.ts"));
    await mkdir(path.join(dir, "__generated__"));
    await run(path.join(ROOT, "node_modules", ".bin", "relay-compiler"), [], { cwd: dir });
    const generated = (await readdir(path.join(dir, "__generated__"))).sort();
    expect(generated).toEqual((await readdir(path.join(CLIENTS, "relay", "__generated__"))).sort());
    expect(generated).toContain("relayRegionQuery.graphql.ts");
    for (const file of generated) {
      expect(await readFile(path.join(dir, "__generated__", file), "utf8")).toBe(
        await readFile(path.join(CLIENTS, "relay", "__generated__", file), "utf8"),
      );
    }
  });

  it("executes the compiled query with Environment, Network and fetchQuery, normalising by global id", async () => {
    const environment = createRelayEnvironment(server.url);
    const result = await region(environment, "22");
    expect(result).toMatchObject({
      name: "Region Västernorrland",
      healthcareRegion: { name: "Norra sjukvårdsregionen" },
    });
    expect(result!.localProgramAreas.length).toBeGreaterThan(20);
    expect(result!.localProgramAreas.map((lpo) => lpo.slug)).toContain("lpo-22-psykisk-halsa");
    const source = environment.getStore().getSource();
    expect(source.get(result!.id)).toMatchObject({ __typename: "Region", name: "Region Västernorrland" });
    for (const lpo of result!.localProgramAreas)
      expect(source.get(lpo.id)).toMatchObject({ __typename: "LocalProgramArea" });
  });
});

/**
 * `generate` of @graphql-codegen/cli with the checked-in configuration, returning the files instead of
 * writing them. In a child process: the CLI loads ES modules (yargs) that Jest's module loader cannot.
 */
async function generateWithoutSaving(): Promise<{ filename: string; content: string }[]> {
  const script = `require("@graphql-codegen/cli")
    .generate({ ...JSON.parse(process.env.CODEGEN_CONFIG), cwd: process.cwd(), silent: true }, false)
    .then((outputs) => process.stdout.write(JSON.stringify(outputs)), (error) => { console.error(error); process.exit(1); });`;
  const { stdout } = await run(process.execPath, ["-e", script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, CODEGEN_CONFIG: JSON.stringify(codegenConfig) },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { filename: string; content: string }[];
}

describe("GraphQL Code Generator", () => {
  it("generates the checked-in typed documents from codegen.ts, with the scalars typed as strings", async () => {
    const outputs = await generateWithoutSaving();
    expect(outputs.map((output) => path.relative(ROOT, output.filename)).sort()).toEqual(
      ["fragment-masking.ts", "gql.ts", "graphql.ts", "index.ts"].map((file) =>
        path.join("examples", "clients", "gql", file),
      ),
    );
    for (const output of outputs) expect(await readFile(output.filename, "utf8")).toBe(output.content);

    // A file using the generated types compiles only if Date is string (not unknown or any).
    const dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-codegen-"));
    try {
      const generatedTypes = path.join(CLIENTS, "gql", "graphql").replaceAll("\\", "/");
      await writeFile(
        path.join(dir, "check.ts"),
        `import type { GroupPeriodQuery } from ${JSON.stringify(generatedTypes)};
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Group = NonNullable<GroupPeriodQuery["group"]>;
export const validFromIsString: Equals<Group["validFrom"], string | null> = true;
export const versionIsNumber: Equals<Group["version"], number> = true;
`,
      );
      const tsc = await run(
        process.execPath,
        [
          path.join(ROOT, "node_modules", "typescript", "bin", "tsc"),
          "--noEmit",
          "--strict",
          "--skipLibCheck",
          "--module",
          "node16",
          path.join(dir, "check.ts"),
        ],
        { cwd: dir },
      ).catch((error: { stdout: string }) => error);
      expect(tsc.stdout).toBe("");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs a typed operation with graphql-request", async () => {
    const group = await groupPeriod(server.url, "psykisk-halsa");
    expect(group).toMatchObject({ kind: "NPO", name: expect.stringMatching(/psykisk hälsa/i) });
    expect(group!.validFrom === null || /^\d{4}-\d{2}-\d{2}$/.test(group!.validFrom)).toBe(true);
  });
});
