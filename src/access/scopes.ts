/**
 * What an API key may do. `write:region:<countyCode>` limits writes to what one region owns:
 * its groups (LPOs, LAGs and other bodies with its county code), their memberships, its people
 * (everyone whose memberships are all in its groups) and the organisations in its county that do
 * not come with the geography.
 */
export type Scope = "read" | "read:contact" | "read:identifiers" | "write" | `write:region:${string}` | "admin";

export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  read: "read the public structure and member names",
  "read:contact": "read personal contact fields",
  write: "change everything",
  "write:region:<countyCode>":
    "change only groups, memberships, people and organisations that region owns; create people without HSA-id or source-system key",
  "read:identifiers":
    "read the source systems' identifiers (sourceSystem, externalId) of people and memberships; write, write:region and admin keys have this too",
  admin: "manage keys and read the audit trail",
};

const REGION_SCOPE = /^write:region:([0-9]{2})$/;

/** The scope the text names, or undefined when it names none. */
export function parseScope(text: string): Scope | undefined {
  if (text === "read" || text === "read:contact" || text === "read:identifiers" || text === "write" || text === "admin")
    return text;
  return REGION_SCOPE.test(text) ? (text as Scope) : undefined;
}

/** The county code of a `write:region:<countyCode>` scope. */
export function regionOfScope(scope: Scope): string | undefined {
  return REGION_SCOPE.exec(scope)?.[1];
}
