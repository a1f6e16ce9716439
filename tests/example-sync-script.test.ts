import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gql, startTestServer, type TestServer } from "./support/test-server";

const ROOT = path.join(__dirname, "..");
const CSV = path.join(ROOT, "examples", "memberships.csv");

let server: TestServer;
let dir: string;
let script: string;
let apiKey: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "kunskapsgraf-example-"));
  // Compiled into a temporary directory, so the test leaves no build output behind.
  await promisify(execFile)(path.join(ROOT, "node_modules", ".bin", "tsc"), [
    "-p",
    path.join(ROOT, "examples", "tsconfig.json"),
    "--outDir",
    dir,
  ]);
  script = path.join(dir, "examples", "sync-memberships-from-csv.js");
  // The generated data set, as the README tells users to load: the sample must not collide with it (a group's chair, say).
  server = await startTestServer({ dataset: 1 });
  apiKey = (await server.keyHeaders(["write:region:22"])).authorization!.replace(/^Bearer /, "");
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the example script as a region's developer would. */
function run(csv: string, ...options: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, csv, ...options],
      { env: { PATH: process.env.PATH, KG_API_URL: server.url, KG_API_KEY: apiKey, KG_SCOPE_COUNTY: "22" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** Every change in the feed so far, as "ENTITY ACTION". */
async function changes(): Promise<string[]> {
  const result = await gql<{ changes: { changes: { entity: string; action: string }[]; hasMore: boolean } }>(
    server.url,
    `{ changes(first: 1000) { changes { entity action } hasMore } }`,
  );
  expect(result.errors).toBeUndefined();
  expect(result.data!.changes.hasMore).toBe(false);
  return result.data!.changes.changes.map((change) => `${change.entity} ${change.action}`);
}

type Members = {
  group: {
    members: {
      nodes: {
        role: string;
        externalId: string;
        sourceSystem: string;
        person: { givenName: string; familyName: string };
        representing: { slug: string } | null;
      }[];
    };
  };
};

async function members(slug: string) {
  const result = await gql<Members>(
    server.url,
    `query($slug: String!) { group(slug: $slug) { members(activeOn: null, first: 100) { nodes {
       role externalId sourceSystem person { givenName familyName } representing { slug } } } } }`,
    { slug },
    // Source-system identifiers are for the integration's key (read:identifiers comes with write scopes).
    { authorization: `Bearer ${apiKey}` },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.group.members.nodes;
}

it("syncs the sample CSV: dry run, then the real run; a second run changes nothing; a bad row stops it before anything is written", async () => {
  const rows = (await readFile(CSV, "utf8")).trim().split("\n").length - 1;

  const first = await run(CSV);
  expect(first.stderr).toBe("");
  expect(first.code).toBe(0);
  expect(first.stdout).toContain(`Dry run: ${rows} created, 0 updated, 0 unchanged, 0 ended, 0 failed`);
  expect(first.stdout).toContain(`Applied: ${rows} created, 0 updated, 0 unchanged, 0 ended, 0 failed`);
  expect(first.stdout).toMatch(/Run id: [0-9a-f-]{36}/);
  // The plan, one membership a line, with the file's line and the person's name.
  expect(first.stdout).toMatch(
    /^ {2}create\s+2\s+hr-22-0001\s+Anna Lindqvist\s+lpo-22-psykisk-halsa\s+VICE_CHAIR\s+2024-01-01$/m,
  );
  expect(first.stdout).toMatch(
    /^ {2}create\s+4\s+hr-22-0003\s+Maria Nordin\s+lpo-22-psykisk-halsa\s+MEMBER\s+2024-03-01\s+2027-12-31$/m,
  );

  const written = await changes();
  expect(written.filter((change) => change === "MEMBERSHIP CREATED")).toHaveLength(rows);
  expect(await members("lpo-22-psykisk-halsa")).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        role: "VICE_CHAIR",
        externalId: "hr-22-0001",
        sourceSystem: "hr-example",
        person: { givenName: "Anna", familyName: "Lindqvist" },
        representing: { slug: "region-vasternorrland" },
      }),
      expect.objectContaining({ role: "MEMBER", externalId: "hr-22-0003", representing: { slug: "kommun-2281" } }),
    ]),
  );

  const again = await run(CSV);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain(`Dry run: 0 created, 0 updated, ${rows} unchanged, 0 ended, 0 failed; 0 new people`);
  expect(again.stdout).toContain(`Applied: 0 created, 0 updated, ${rows} unchanged, 0 ended, 0 failed; 0 new people`);
  expect(await changes()).toEqual(written);

  const bad = path.join(dir, "bad.csv");
  const csv = await readFile(CSV, "utf8");
  await writeFile(
    bad,
    `${csv.trimEnd()}\nhr-22-0009,p-10999,SE2321000180-E000000000199,Per,Ödman,,lpo-22-finns-inte,MEMBER,region-vasternorrland,2025-01-01,\n`,
  );
  const failed = await run(bad);
  expect(failed.code).toBe(1);
  expect(failed.stdout).toContain(`Dry run: 0 created, 0 updated, ${rows} unchanged, 0 ended, 1 failed`);
  expect(failed.stdout).toContain(
    `row ${rows} (line ${rows + 2}, hr-22-0009) group: No group has the slug lpo-22-finns-inte [NOT_FOUND]`,
  );
  expect(failed.stdout).not.toContain("Applied");
  expect(await changes()).toEqual(written);
});

it("reads a file Swedish Excel saved (semicolons, BOM, CRLF), and refuses a REPLACE that would end more than --max-ended-share", async () => {
  const csv = await readFile(CSV, "utf8");
  const lines = csv.trimEnd().split("\n");
  // Semicolons between cells; the title with a comma stays quoted, as Excel writes it.
  const excel = path.join(dir, "excel.csv");
  const toExcel = (line: string) => {
    const cells: string[] = [];
    let cell = "";
    let quoted = false;
    for (const char of line) {
      if (char === '"') quoted = !quoted;
      if (char === "," && !quoted) {
        cells.push(cell);
        cell = "";
      } else cell += char;
    }
    cells.push(cell);
    return cells.join(";");
  };
  await writeFile(excel, `\uFEFF${lines.map(toExcel).join("\r\n")}\r\n`);
  const fromExcel = await run(excel);
  expect(fromExcel.stderr).toBe("");
  expect(fromExcel.code).toBe(0);
  expect(fromExcel.stdout).toContain('(separated by ";")');
  expect(fromExcel.stdout).toContain(`Applied: 0 created, 0 updated, ${lines.length - 1} unchanged`);

  // A truncated export: 2 of the 8 rows. REPLACE would end the other 6 (75 %): refused unless allowed.
  const truncated = path.join(dir, "truncated.csv");
  await writeFile(truncated, `${lines.slice(0, 3).join("\n")}\n`);
  const before = await changes();
  const refused = await run(truncated, "--mode", "REPLACE");
  expect(refused.code).toBe(1);
  expect(refused.stdout).toContain(
    "Refused: this REPLACE would end 6 of the 8 running memberships of hr-example (75 %)",
  );
  expect(refused.stdout).not.toContain("Applied");
  expect(await changes()).toEqual(before);

  const allowed = await run(truncated, "--mode", "REPLACE", "--max-ended-share", "1");
  expect(allowed.code).toBe(0);
  expect(allowed.stdout).toContain("Applied: 0 created, 0 updated, 2 unchanged, 6 ended, 0 failed");
  expect(allowed.stdout).toMatch(
    /^ {2}end\s+-\s+hr-22-0008\s+Sofia Engström\s+lpo-22-hjart-och-karlsjukdomar\s+VICE_CHAIR\s+2025-01-01\s+\d{4}-\d{2}-\d{2}$/m,
  );
});
