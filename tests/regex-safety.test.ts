import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { EMAIL, HSA_ID, PHONE } from "../src/graphql/validation";
import { gql, startTestServer, type TestServer } from "./support/test-server";

/**
 * No regular expression in src/ may backtrack super-linearly: one short request must not block
 * the event loop. eslint-plugin-regexp checks this statically (eslint.config.mjs); this test runs
 * every regex literal in src/ against adversarial inputs and times them.
 */

const SOURCE_DIR = path.join(__dirname, "..", "src");
const ATTACK_LENGTH = 30_000;
// A linear match of 30 000 characters takes microseconds; a quadratic one takes seconds.
const BOUND_MS = 250;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

function regexLiterals(file: string): { where: string; regex: RegExp }[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: { where: string; regex: RegExp }[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const text = node.getText(source);
      const end = text.lastIndexOf("/");
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      // Global and sticky flags make test() stateful; the attack is about backtracking only.
      found.push({
        where: `${path.relative(SOURCE_DIR, file)}:${line} ${text}`,
        regex: new RegExp(text.slice(1, end), text.slice(end + 1).replace(/[gy]/g, "")),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

// Runs of each character, after prefixes that get past the fixed starts of the project's formats.
const PREFIXES = [
  "",
  "a",
  "a@",
  "a@b",
  "SE0000000000-",
  "+4",
  "kg_abcdefgh_",
  "write:region:",
  "Bearer ",
  "--a=",
  "https://",
  "2024-01-01T",
  "lpo-",
  "Name (",
];
const SUFFIXES = ["", "!", " ", "\n", "@", "\u0000"];
const RUN_CHARACTERS = [..."aZ09 \t\n.-_:@/()+—=,;"];

function timeOf(regex: RegExp, input: string): number {
  const started = process.hrtime.bigint();
  regex.test(input);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function slowestAttack(regex: RegExp): { input: string; ms: number } {
  let slowest = { input: "", ms: 0 };
  for (const prefix of PREFIXES) {
    for (const character of RUN_CHARACTERS) {
      const run = character.repeat(ATTACK_LENGTH);
      for (const suffix of SUFFIXES) {
        const input = prefix + run + suffix;
        const ms = timeOf(regex, input);
        if (ms > slowest.ms)
          slowest = {
            input: `${JSON.stringify(prefix)} + ${JSON.stringify(character)} × ${ATTACK_LENGTH} + ${JSON.stringify(suffix)}`,
            ms,
          };
        if (ms > BOUND_MS) return slowest;
      }
    }
  }
  return slowest;
}

describe("regular expressions", () => {
  const literals = sourceFiles(SOURCE_DIR).flatMap(regexLiterals);

  test("the scan finds the patterns that check arguments", () => {
    const sources = literals.map(({ regex }) => regex.source);
    for (const pattern of [EMAIL, HSA_ID, PHONE]) expect(sources).toContain(pattern.source);
    expect(literals.length).toBeGreaterThan(20);
  });

  test.each(literals.map(({ where, regex }) => [where, regex] as const))(
    "%s runs in linear time on adversarial input",
    (_where, regex) => {
      const slowest = slowestAttack(regex);
      expect({ ...slowest, withinBound: slowest.ms <= BOUND_MS }).toMatchObject({ withinBound: true });
    },
  );
});

describe("validated arguments over HTTP", () => {
  let server: TestServer;
  let writer: Record<string, string>;

  beforeAll(async () => {
    server = await startTestServer();
    writer = await server.keyHeaders(["write"]);
  });
  afterAll(async () => {
    await server.stop();
  });

  const CREATE_PERSON = "mutation ($input: CreatePersonInput!) { createPerson(input: $input) { id } }";
  // Took about 3.5 s when the e-mail pattern backtracked quadratically.
  const REPORTED = "a@" + ".".repeat(40_000) + " ";
  const GENEROUS_MS = 1500;

  async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
    const started = Date.now();
    const result = await run();
    return { result, ms: Date.now() - started };
  }

  test("the reported e-mail is refused at once, without a key and with one", async () => {
    const anonymous = await timed(() =>
      gql(server.url, CREATE_PERSON, { input: { givenName: "Ada", familyName: "Test", email: REPORTED } }),
    );
    expect(anonymous.result.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(anonymous.ms).toBeLessThan(GENEROUS_MS);
    const withKey = await timed(() =>
      gql(server.url, CREATE_PERSON, { input: { givenName: "Ada", familyName: "Test", email: REPORTED } }, writer),
    );
    expect(withKey.result.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      fields: [{ path: "input.email", message: "email must be at most 254 characters" }],
    });
    expect(withKey.ms).toBeLessThan(GENEROUS_MS);
  });

  // Each pattern-checked field, with adversarial values at and beyond its length bound.
  const ATTACKS: [field: string, maxLength: number, prefix: string, run: string, suffix: string][] = [
    ["email", 254, "a@", ".", " "],
    ["email", 254, "a@b", ".b", "."],
    ["email", 254, "", "a", "@"],
    ["phone", 40, "+4", "0", "x"],
    ["phone", 40, "", " ", "x"],
    ["hsaId", 50, "SE0000000000-", "a", "!"],
    ["givenName", 100, "", " ", ""],
  ];

  test.each(ATTACKS)(
    "%s (at most %i characters): %j followed by runs of %j is refused quickly, at the bound and far beyond it",
    async (field, maxLength, prefix, run, suffix) => {
      for (const length of [maxLength - prefix.length - suffix.length, 100_000]) {
        const value = prefix + run.repeat(Math.ceil(length / run.length)).slice(0, length) + suffix;
        const input = { givenName: "Ada", familyName: "Test", [field]: value };
        const { result, ms } = await timed(() => gql(server.url, CREATE_PERSON, { input }, writer));
        expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
        expect(result.errors?.[0]?.extensions?.fields).toEqual(
          expect.arrayContaining([expect.objectContaining({ path: `input.${field}` })]),
        );
        expect(ms).toBeLessThan(GENEROUS_MS);
      }
    },
  );
});
