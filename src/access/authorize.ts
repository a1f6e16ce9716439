import { ErrorCode, GraphQLErrorWithCode } from "../graphql/errors";
import type { Caller } from "./caller";
import { regionOfScope } from "./scopes";

/**
 * Who owns a record, for region-scoped writes: the county code of the region that owns it
 * (its LPOs and LAGs, its other regional bodies, the non-geographic organisations in its
 * county), or null for records only a `write` key may change: national and healthcare-regional
 * groups, regions, healthcare regions and municipalities as organisations, and people who sit in
 * no group. A person is owned by the owners of every group they sit or sat in.
 */
export type Owner = string | null;

/**
 * The one place where write rights are decided. Throws UNAUTHENTICATED for anonymous
 * callers and FORBIDDEN for keys whose scopes do not cover every owner given.
 */
export function authorizeWrite(caller: Caller, owners: readonly Owner[], what: string): void {
  if (caller.scopes.includes("write")) return;
  const regions = new Set(caller.scopes.flatMap((scope) => regionOfScope(scope) ?? []));
  const outside = [...new Set(owners)].filter((owner) => owner === null || !regions.has(owner));
  if (regions.size > 0 && outside.length === 0) return;
  if (caller.keyId === null)
    throw new GraphQLErrorWithCode(
      `Changing ${what} needs an API key with a write scope (Authorization: Bearer …)`,
      ErrorCode.UNAUTHENTICATED,
    );
  const needed =
    outside.length === 0
      ? ["write"]
      : [...new Set(outside.map((owner) => (owner === null ? "write" : `write:region:${owner}`)))];
  throw new GraphQLErrorWithCode(
    `The key "${caller.name}" may not change ${what}: that needs the scope ${needed.join(" and ")}`,
    ErrorCode.FORBIDDEN,
    { requiredScopes: needed },
  );
}

/** Whether the caller may write at all; the check before any record is read. */
export function authorizeAnyWrite(caller: Caller, what: string): void {
  if (caller.scopes.some((scope) => scope === "write" || regionOfScope(scope) !== undefined)) return;
  authorizeWrite(caller, [null], what);
}

/** Personal contact fields: only keys with `read:contact`. */
export function mayReadContact(caller: Caller): boolean {
  return caller.scopes.includes("read:contact");
}

/** Personal contact fields: only keys with `read:contact`. */
export function authorizeContact(caller: Caller): void {
  if (mayReadContact(caller)) return;
  if (caller.keyId === null)
    throw new GraphQLErrorWithCode(
      "Contact details are personal data: they need an API key with the scope read:contact",
      ErrorCode.UNAUTHENTICATED,
    );
  throw new GraphQLErrorWithCode(
    `The key "${caller.name}" may not read contact details: that needs the scope read:contact`,
    ErrorCode.FORBIDDEN,
    { requiredScopes: ["read:contact"] },
  );
}

/**
 * The identifiers people and memberships have in the systems they were synced from (`sourceSystem`,
 * `externalId`): keys with `read:identifiers`, and keys that write or administer, since
 * integrations sync with their own identifiers.
 */
export function mayReadIdentifiers(caller: Caller): boolean {
  return caller.scopes.some(
    (scope) =>
      scope === "read:identifiers" || scope === "write" || scope === "admin" || regionOfScope(scope) !== undefined,
  );
}

/** See `mayReadIdentifiers`. */
export function authorizeIdentifiers(caller: Caller): void {
  if (mayReadIdentifiers(caller)) return;
  if (caller.keyId === null)
    throw new GraphQLErrorWithCode(
      "Source-system identifiers need an API key with the scope read:identifiers",
      ErrorCode.UNAUTHENTICATED,
    );
  throw new GraphQLErrorWithCode(
    `The key "${caller.name}" may not read source-system identifiers: that needs the scope read:identifiers`,
    ErrorCode.FORBIDDEN,
    { requiredScopes: ["read:identifiers"] },
  );
}

/** Keys and the audit trail. */
export function mayReadAdmin(caller: Caller): boolean {
  return caller.scopes.includes("admin");
}

/** Keys and the audit trail. */
export function authorizeAdmin(caller: Caller, what: string): void {
  if (mayReadAdmin(caller)) return;
  if (caller.keyId === null)
    throw new GraphQLErrorWithCode(
      `Reading ${what} needs an API key with the admin scope (Authorization: Bearer …)`,
      ErrorCode.UNAUTHENTICATED,
    );
  throw new GraphQLErrorWithCode(
    `The key "${caller.name}" may not read ${what}: that needs the scope admin`,
    ErrorCode.FORBIDDEN,
    { requiredScopes: ["admin"] },
  );
}

/** Reading at all: every key, and anonymous callers unless ANONYMOUS_ACCESS=none. */
export function mayRead(caller: Caller): boolean {
  return caller.keyId !== null || caller.scopes.includes("read");
}

/**
 * What a caller may see, as a short text: two callers with the same visibility get the same
 * answer to a query that succeeds (they differ at most in the errors they would get), so a cached
 * answer may be shared between them and no others. Every read check above (`mayRead*`) must be
 * part of it.
 */
export function readVisibility(caller: Caller): string {
  const visible = [
    mayRead(caller) && "read",
    mayReadContact(caller) && "contact",
    mayReadIdentifiers(caller) && "identifiers",
    mayReadAdmin(caller) && "admin",
  ];
  return visible.filter((name) => name !== false).join(",");
}
