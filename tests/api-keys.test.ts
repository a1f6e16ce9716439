import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createPrismaClient, type Database } from "../src/db/prisma";
import { ErrorCode, GraphQLErrorWithCode } from "../src/graphql/errors";
import { ApiKeyError, authenticate, createApiKey, listApiKeys, revokeApiKey } from "../src/access/api-keys";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

const CLI = path.join(__dirname, "..", "dist", "cli", "keys.js");
const KEY = /kg_[a-z0-9]{8}_[A-Za-z0-9_-]{43}/;

let database: TestDatabase;
let prisma: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
});
afterAll(async () => {
  await prisma.$disconnect();
  await database.drop();
});

/** The error `authenticate` rejects with, checked to be UNAUTHENTICATED. */
async function authenticationError(header: string | undefined): Promise<string> {
  const error: unknown = await authenticate(prisma, header, ["read"]).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GraphQLErrorWithCode);
  expect((error as GraphQLErrorWithCode).extensions.code).toBe(ErrorCode.UNAUTHENTICATED);
  return (error as GraphQLErrorWithCode).message;
}

describe("API keys", () => {
  it("creates a key that authenticates as its name with its scopes", async () => {
    const { key, apiKey } = await createApiKey(prisma, {
      name: "hr-sync.vasternorrland",
      scopes: ["read", "write:region:22"],
    });
    expect(key).toMatch(new RegExp(`^kg_${apiKey.prefix}_[A-Za-z0-9_-]{43}$`));
    expect(apiKey).toMatchObject({
      name: "hr-sync.vasternorrland",
      scopes: ["read", "write:region:22"],
      expiresAt: null,
      revokedAt: null,
    });
    expect(await authenticate(prisma, `Bearer ${key}`, [])).toEqual({
      name: apiKey.name,
      keyId: apiKey.id,
      scopes: ["read", "write:region:22"],
    });
    expect(await authenticate(prisma, `bearer  ${key} `, [])).toMatchObject({ name: apiKey.name });
  });

  it("stores only a SHA-256 hash: the key's text appears nowhere in its row", async () => {
    const { key, apiKey } = await createApiKey(prisma, { name: "stored", scopes: ["admin"] });
    const rows = await prisma.$queryRaw<Record<string, unknown>[]>`SELECT * FROM api_key WHERE id = ${apiKey.id}::uuid`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    const secret = key.split("_").slice(2).join("_");
    const text = JSON.stringify(rows[0]);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(key);
  });

  it("answers without a header with the anonymous caller", async () => {
    expect(await authenticate(prisma, undefined, ["read"])).toEqual({
      name: "anonymous",
      keyId: null,
      scopes: ["read"],
    });
  });

  it("refuses other schemes, malformed keys, unknown keys and wrong secrets, without echoing the secret", async () => {
    const { key, apiKey } = await createApiKey(prisma, { name: "refusals", scopes: ["read"] });
    expect(await authenticationError(`Basic ${key}`)).toMatch(/must be "Bearer <API key>"/);
    expect(await authenticationError("")).toMatch(/must be "Bearer <API key>"/);
    expect(await authenticationError("Bearer")).toMatch(/must be "Bearer <API key>"/);
    expect(await authenticationError(`Bearer ${key}x`)).toMatch(/^Malformed API key/);
    expect(await authenticationError("Bearer kg_ABCDEFGH_secret")).toMatch(/^Malformed API key/);
    expect(await authenticationError(`Bearer ${key.replace(apiKey.prefix, "zzzzzzzz")}`)).toMatch(/^Unknown API key/);
    const wrongSecret = `kg_${apiKey.prefix}_${"A".repeat(43)}`;
    const message = await authenticationError(`Bearer ${wrongSecret}`);
    expect(message).toMatch(/^Unknown API key/);
    expect(message).not.toContain("AAAA");
  });

  it("refuses a revoked key; revoking again changes nothing", async () => {
    const { key, apiKey } = await createApiKey(prisma, { name: "to-revoke", scopes: ["write"] });
    const revoked = await revokeApiKey(prisma, "to-revoke");
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await authenticationError(`Bearer ${key}`)).toMatch(/has been revoked/);
    expect((await revokeApiKey(prisma, apiKey.prefix)).revokedAt).toEqual(revoked.revokedAt);
    await expect(revokeApiKey(prisma, "no-such-key")).rejects.toThrow(ApiKeyError);
  });

  it("refuses an expired key", async () => {
    const { key, apiKey } = await createApiKey(prisma, {
      name: "short-lived",
      scopes: ["read"],
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(await authenticate(prisma, `Bearer ${key}`, [])).toMatchObject({ name: "short-lived" });
    await prisma.apiKey.update({ where: { id: apiKey.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await authenticationError(`Bearer ${key}`)).toMatch(/expired at/);
  });

  it("rejects invalid names, scopes and expiry dates, and names already taken", async () => {
    const create = (name: string, scopes: string[], expiresAt?: Date) =>
      createApiKey(prisma, { name, scopes, expiresAt });
    await expect(create("  ", ["read"])).rejects.toThrow(/needs a name/);
    await expect(create("a".repeat(101), ["read"])).rejects.toThrow(/at most 100/);
    await expect(create("-leading-dash", ["read"])).rejects.toThrow(/may hold only/);
    await expect(create("with space", ["read"])).rejects.toThrow(ApiKeyError);
    await expect(create("no-scopes", [])).rejects.toThrow(/at least one scope/);
    await expect(create("bad-scope", ["read", "superuser"])).rejects.toThrow(
      /Unknown scope "superuser".*Valid scopes: read, read:contact, write/,
    );
    await expect(create("bad-region", ["write:region:1"])).rejects.toThrow(/Unknown scope "write:region:1"/);
    await expect(create("past", ["read"], new Date(Date.now() - 1000))).rejects.toThrow(/in the future/);
    await expect(create("invalid-date", ["read"], new Date(Number.NaN))).rejects.toThrow(/in the future/);
    await create("taken", ["read"]);
    await expect(create("taken", ["write"])).rejects.toThrow(/named "taken" already exists/);
    expect(await prisma.apiKey.count({ where: { name: { in: ["no-scopes", "bad-scope", "past"] } } })).toBe(0);
  });

  it("lets only one of two concurrent creations of a name succeed", async () => {
    const results = await Promise.allSettled(
      [1, 2].map(() => createApiKey(prisma, { name: "race", scopes: ["read"] })),
    );
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((result) => result.status === "rejected");
    expect(rejected?.reason).toBeInstanceOf(ApiKeyError);
  });

  it("records when a key was last used, at most once a minute", async () => {
    const { key, apiKey } = await createApiKey(prisma, { name: "last-used", scopes: ["read"] });
    expect(apiKey.lastUsedAt).toBeNull();
    await authenticate(prisma, `Bearer ${key}`, []);
    const first = (await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt;
    expect(first).toBeInstanceOf(Date);
    await authenticate(prisma, `Bearer ${key}`, []);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).toEqual(first);
    const longAgo = new Date(Date.now() - 120_000);
    await prisma.apiKey.update({ where: { id: apiKey.id }, data: { lastUsedAt: longAgo } });
    await authenticate(prisma, `Bearer ${key}`, []);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt!.getTime()).toBeGreaterThan(
      longAgo.getTime(),
    );
  });

  it("lists keys without hashes", async () => {
    const keys = await listApiKeys(prisma);
    expect(keys.map((key) => key.name)).toContain("last-used");
    for (const key of keys) {
      expect(Object.keys(key).sort()).toEqual([
        "createdAt",
        "expiresAt",
        "id",
        "lastUsedAt",
        "name",
        "prefix",
        "revokedAt",
        "scopes",
      ]);
    }
  });
});

describe("npm run keys", () => {
  const run = promisify(execFile);
  const keys = (args: string[], env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url }) =>
    run(process.execPath, [CLI, ...args], { env });
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error("dist/cli/keys.js is missing: `npm test` builds it first (pretest)");
  });

  it("creates a key that authenticates, lists it, and revokes it", async () => {
    const created = await keys([
      "create",
      "--name",
      "cli-key",
      "--scopes",
      "read,write:region:01",
      "--expires",
      "2999-01-01",
    ]);
    expect(created.stdout).toMatch(/will not be shown again/);
    expect(created.stdout).toMatch(/Expires: +2999-01-01T00:00:00.000Z/);
    const key = KEY.exec(created.stdout)![0];
    expect(await authenticate(prisma, `Bearer ${key}`, [])).toMatchObject({
      name: "cli-key",
      scopes: ["read", "write:region:01"],
    });

    const listed = await keys(["list"]);
    expect(listed.stdout).toMatch(/^NAME +PREFIX +STATUS/);
    expect(listed.stdout).toMatch(new RegExp(`cli-key +${key.slice(3, 11)} +active +read,write:region:01`));
    expect(listed.stdout).not.toMatch(KEY);

    expect((await keys(["revoke", "cli-key"])).stdout).toMatch(/"cli-key" .* is revoked since/);
    expect(await authenticationError(`Bearer ${key}`)).toMatch(/has been revoked/);
    expect((await keys(["list"])).stdout).toMatch(/cli-key +[a-z0-9]{8} +revoked/);
  });

  it("prints usage with the scopes, and fails readably on bad input", async () => {
    expect((await keys(["--help"])).stdout).toMatch(/write:region:<countyCode> +change only groups/);
    await expect(keys(["create", "--name", "x"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^create needs --scopes/),
    });
    await expect(keys(["create", "--name", "x", "--scopes", "read", "--expires", "2027-02-30"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/is not a date/),
    });
    await expect(keys(["create", "--name", "cli-bad", "--scopes", "root"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^Unknown scope "root"[^\n]*\n$/),
    });
  });
});
