import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { GraphQLSchema } from "graphql";
import { applicationSchema } from "../../src/app";
import { registerDocuments } from "../../src/cli/register-documents";
import { documentHash, loadTrustedDocuments, parseManifest } from "../../src/graphql/trusted-documents";

const EXAMPLES = path.join(__dirname, "..", "..", "examples");

describe("the manifest of trusted documents", () => {
  const query = "query Regions { healthcareRegions { slug } }\n";
  const id = documentHash(query);

  it("reads an object of hash → document, and Apollo's persisted query manifest", () => {
    expect([...parseManifest(JSON.stringify({ [id]: query }), "m.json")]).toEqual([[id, query]]);
    const apollo = {
      format: "apollo-persisted-query-manifest",
      version: 1,
      operations: [{ id, name: "Regions", type: "query", body: query }],
    };
    expect([...parseManifest(JSON.stringify(apollo), "m.json")]).toEqual([[id, query]]);
  });

  it("refuses an entry whose id is not its document's hash, or is no hash, naming the file", () => {
    expect(() => parseManifest(JSON.stringify({ [id]: `${query} ` }), "m.json")).toThrow(
      `m.json: the document under ${id} has the hash`,
    );
    expect(() => parseManifest(JSON.stringify({ Regions: query }), "m.json")).toThrow(/SHA-256 hash/);
    expect(() => parseManifest("[]", "m.json")).toThrow(/must hold an object/);
    expect(() => parseManifest("{", "m.json")).toThrow(/m.json is not JSON/);
  });

  it("says how to make it when the file is missing", () => {
    expect(() => loadTrustedDocuments("/nonexistent/persisted-documents.json")).toThrow(
      /TRUSTED_DOCUMENTS_FILE=\/nonexistent\/persisted-documents.json, which cannot be read \(ENOENT\).*npm run documents:register/,
    );
  });
});

describe("registering documents (npm run documents:register)", () => {
  let schema: GraphQLSchema;
  let directory: string;
  beforeAll(async () => {
    schema = await applicationSchema();
  });
  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), "kg-documents-"));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it("writes the example manifest exactly from examples/intranet/*.graphql", () => {
    const manifest = path.join(directory, "persisted-documents.json");
    const registered = registerDocuments(schema, [path.join(EXAMPLES, "intranet", "*.graphql")], manifest, false);
    expect(registered.map((entry) => entry.operations).flat()).toEqual([
      "Chain",
      "MembersOnDate",
      "MunicipalityGroups",
      "RegionMembers",
      "Search",
    ]);
    expect(readFileSync(manifest, "utf8")).toBe(readFileSync(path.join(EXAMPLES, "persisted-documents.json"), "utf8"));
  });

  it("keeps what was registered before unless told to replace it, and finds files in directories and by **", () => {
    mkdirSync(path.join(directory, "client", "pages"), { recursive: true });
    const first = "query A { healthcareRegions { slug } }\n";
    const second = "query B { healthcareRegions { name } }\n";
    writeFileSync(path.join(directory, "client", "a.graphql"), first);
    writeFileSync(path.join(directory, "client", "pages", "b.graphql"), second);
    writeFileSync(path.join(directory, "client", "pages", "notes.txt"), "not a document");
    const manifest = path.join(directory, "documents.json");
    registerDocuments(schema, [path.join(directory, "client", "a.graphql")], manifest, false);
    const again = registerDocuments(schema, [path.join(directory, "client", "**", "*.graphql")], manifest, false);
    expect(again.map((entry) => [entry.operations[0], entry.added])).toEqual([
      ["A", false],
      ["B", true],
    ]);
    expect(Object.keys(JSON.parse(readFileSync(manifest, "utf8")) as object).sort()).toEqual(
      [documentHash(first), documentHash(second)].sort(),
    );
    registerDocuments(schema, [path.join(directory, "client", "pages")], manifest, true);
    expect(Object.keys(JSON.parse(readFileSync(manifest, "utf8")) as object)).toEqual([documentHash(second)]);
  });

  it("registers nothing when a document does not fit the schema, and names every problem", () => {
    writeFileSync(path.join(directory, "good.graphql"), "query Good { healthcareRegions { slug } }\n");
    writeFileSync(path.join(directory, "typo.graphql"), "query Typo { healthcareRegionz { slug } }\n");
    writeFileSync(path.join(directory, "broken.graphql"), "query Broken { healthcareRegions { slug }\n");
    writeFileSync(path.join(directory, "fragment.graphql"), "fragment F on HealthcareRegion { slug }\n");
    const manifest = path.join(directory, "documents.json");
    let error: Error | undefined;
    try {
      registerDocuments(schema, [directory], manifest, false);
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).toMatch(/^Nothing was registered/);
    expect(error?.message).toMatch(/typo\.graphql: Cannot query field "healthcareRegionz"/);
    expect(error?.message).toMatch(/broken\.graphql: Syntax Error/);
    expect(error?.message).toMatch(/fragment\.graphql: Fragment "F" is never used/);
    expect(() => readFileSync(manifest)).toThrow();
    expect(() => registerDocuments(schema, [path.join(directory, "*.gql")], manifest, false)).toThrow(
      /No file matches/,
    );
  });
});
