import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { Database } from "../db/prisma";
import { Prisma } from "../generated/prisma/client";
import { ErrorCode, GraphQLErrorWithCode } from "../graphql/errors";
import { anonymousCaller, type Caller } from "./caller";
import { parseScope, SCOPE_DESCRIPTIONS, type Scope } from "./scopes";

/** A key as shown to people: everything but the hash of its secret. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The public part of the key (`kg_<prefix>_…`). */
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiKey {
  name: string;
  scopes: readonly string[];
  expiresAt?: Date;
}

/** A request to create or revoke a key that cannot be carried out; the message says why. */
export class ApiKeyError extends Error {
  override name = "ApiKeyError";
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NAME_MAX_LENGTH = 100;
const PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const PREFIX_LENGTH = 8;
const KEY = /^kg_([a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
const LAST_USED_RESOLUTION_MS = 60_000;

const INFO_FIELDS = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
} as const satisfies Prisma.ApiKeySelect;

type InfoRow = Prisma.ApiKeyGetPayload<{ select: typeof INFO_FIELDS }>;

/** Creates a key. The returned `key` is the only time its secret exists outside the caller's hands. */
export async function createApiKey(prisma: Database, input: NewApiKey): Promise<{ key: string; apiKey: ApiKeyInfo }> {
  const name = validName(input.name);
  const scopes = validScopes(input.scopes);
  if (input.expiresAt !== undefined && !(input.expiresAt.getTime() > Date.now())) {
    throw new ApiKeyError(`The expiry must be a date in the future, not ${describeDate(input.expiresAt)}.`);
  }
  if (await prisma.apiKey.findUnique({ where: { name }, select: { id: true } })) throw nameTaken(name);

  // A new prefix is drawn when it collides with an existing one (36^8 prefixes: very unlikely).
  for (let attempt = 1; ; attempt++) {
    const prefix = randomPrefix();
    const key = `kg_${prefix}_${randomBytes(32).toString("base64url")}`;
    try {
      const row = await prisma.apiKey.create({
        data: { name, prefix, secretHash: hashKey(key), scopes, expiresAt: input.expiresAt ?? null },
        select: INFO_FIELDS,
      });
      return { key, apiKey: toInfo(row) };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (await prisma.apiKey.findUnique({ where: { name }, select: { id: true } })) throw nameTaken(name);
      if (attempt === 3) throw error;
    }
  }
}

/** Revokes the key with this name or prefix. Revoking a revoked key changes nothing. */
export async function revokeApiKey(prisma: Database, nameOrPrefix: string): Promise<ApiKeyInfo> {
  const matches = await prisma.apiKey.findMany({
    where: { OR: [{ name: nameOrPrefix }, { prefix: nameOrPrefix }] },
    select: INFO_FIELDS,
  });
  if (matches.length === 0) throw new ApiKeyError(`No API key has the name or prefix "${nameOrPrefix}".`);
  // A name may look like another key's prefix; the name wins.
  const row = matches.find((match) => match.name === nameOrPrefix) ?? matches[0]!;
  if (row.revokedAt) return toInfo(row);
  await prisma.apiKey.updateMany({ where: { id: row.id, revokedAt: null }, data: { revokedAt: new Date() } });
  return toInfo(await prisma.apiKey.findUniqueOrThrow({ where: { id: row.id }, select: INFO_FIELDS }));
}

/** Every key, oldest first. */
export async function listApiKeys(prisma: Database): Promise<ApiKeyInfo[]> {
  const rows = await prisma.apiKey.findMany({ select: INFO_FIELDS, orderBy: [{ createdAt: "asc" }, { name: "asc" }] });
  return rows.map(toInfo);
}

/**
 * The caller an `Authorization` header identifies: anonymous without one, otherwise the key's
 * name and scopes. A header that names no usable key is an error, never a fallback to anonymous.
 */
export async function authenticate(
  prisma: Database,
  authorizationHeader: string | undefined,
  anonymousScopes: readonly Scope[],
): Promise<Caller> {
  if (authorizationHeader === undefined) return anonymousCaller(anonymousScopes);
  const bearer = /^Bearer +(\S+)$/i.exec(authorizationHeader.trim());
  if (!bearer) throw unauthenticated('The Authorization header must be "Bearer <API key>".');
  const key = KEY.exec(bearer[1]!);
  if (!key) throw unauthenticated("Malformed API key: expected kg_<prefix>_<secret>.");
  const prefix = key[1]!;

  const row = await prisma.apiKey.findUnique({ where: { prefix } });
  if (!row || !hashMatches(hashKey(bearer[1]!), row.secretHash))
    throw unauthenticated(`Unknown API key kg_${prefix}_….`);
  const now = new Date();
  if (row.revokedAt) throw unauthenticated(`API key kg_${prefix}_… has been revoked.`);
  if (row.expiresAt && row.expiresAt <= now)
    throw unauthenticated(`API key kg_${prefix}_… expired at ${row.expiresAt.toISOString()}.`);

  // Recording every use would make each read a write; a minute's resolution is enough to see
  // which keys are in use. A failure to record it must not fail the request.
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row.lastUsedAt || row.lastUsedAt < stale) {
    await prisma.apiKey
      .updateMany({
        where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: stale } }] },
        data: { lastUsedAt: now },
      })
      .catch(() => {});
  }
  return { name: row.name, keyId: row.id, scopes: storedScopes(row) };
}

// The key carries 256 random bits, so guessing is hopeless whatever the hash's speed: a fast,
// unsalted SHA-256 suffices here (a slow password hash is for low-entropy secrets).
function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function hashMatches(actualHex: string, storedHex: string): boolean {
  const actual = Buffer.from(actualHex, "hex");
  const stored = Buffer.from(storedHex, "hex");
  return actual.length === stored.length && timingSafeEqual(actual, stored);
}

function randomPrefix(): string {
  return Array.from({ length: PREFIX_LENGTH }, () => PREFIX_ALPHABET[randomInt(PREFIX_ALPHABET.length)]).join("");
}

function validName(raw: string): string {
  const name = raw.trim();
  if (name === "") throw new ApiKeyError("The key needs a name.");
  if (name.length > NAME_MAX_LENGTH)
    throw new ApiKeyError(`The name is ${name.length} characters long; at most ${NAME_MAX_LENGTH} are allowed.`);
  if (!NAME.test(name)) {
    throw new ApiKeyError(
      `The name "${name}" may hold only letters, digits, ".", "_" and "-", and must start with a letter or digit.`,
    );
  }
  return name;
}

function validScopes(raw: readonly string[]): Scope[] {
  const texts = [...new Set(raw.map((text) => text.trim()).filter((text) => text !== ""))];
  if (texts.length === 0) throw new ApiKeyError(`The key needs at least one scope. ${validScopeList()}`);
  const unknown = texts.filter((text) => parseScope(text) === undefined);
  if (unknown.length > 0)
    throw new ApiKeyError(
      `Unknown scope${unknown.length > 1 ? "s" : ""} ${unknown.map((text) => `"${text}"`).join(", ")}. ${validScopeList()}`,
    );
  return texts.map((text) => parseScope(text)!);
}

function validScopeList(): string {
  return `Valid scopes: ${Object.keys(SCOPE_DESCRIPTIONS).join(", ")} (countyCode: two digits, e.g. write:region:22).`;
}

function storedScopes(row: { prefix: string; scopes: string[] }): Scope[] {
  return row.scopes.map((text) => {
    const scope = parseScope(text);
    if (!scope) throw new Error(`API key kg_${row.prefix}_… holds the unknown scope "${text}".`);
    return scope;
  });
}

function toInfo(row: InfoRow): ApiKeyInfo {
  return { ...row, scopes: storedScopes(row) };
}

function nameTaken(name: string): ApiKeyError {
  return new ApiKeyError(
    `An API key named "${name}" already exists (names stay taken after revocation); choose another name.`,
  );
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function unauthenticated(message: string): GraphQLErrorWithCode {
  // Thrown while the request's context is built; Apollo Server answers with this status.
  return new GraphQLErrorWithCode(message, ErrorCode.UNAUTHENTICATED, { http: { status: 401 } });
}

function describeDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? "an invalid date" : date.toISOString();
}
