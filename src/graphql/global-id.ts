import { BadUserInputError } from "./errors";

/** Opaque global IDs: base64url of "<TypeName>:<database id>", stable for the life of a record. */
export function toGlobalId(typeName: string, id: string): string {
  return Buffer.from(`${typeName}:${id}`, "utf8").toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The type name and database id in a global ID; undefined when it is not one of ours. */
export function fromGlobalId(globalId: string): { typeName: string; id: string } | undefined {
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  const separator = decoded.indexOf(":");
  const typeName = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (separator <= 0 || !UUID.test(id) || toGlobalId(typeName, id) !== globalId) return undefined;
  return { typeName, id };
}

/** The database id in a global ID of one of the given types; BAD_USER_INPUT naming the field otherwise. */
export function databaseIdOf(globalId: string, typeNames: readonly string[], field: string): string {
  const decoded = fromGlobalId(globalId);
  if (!decoded || !typeNames.includes(decoded.typeName)) {
    throw new BadUserInputError(`\`${field}\` is not the ID of a ${typeNames.join(" or ")}`, field);
  }
  return decoded.id;
}

/** The types a governance group's global ID may name, by its kind. */
export const GROUP_TYPE_NAMES = [
  "NationalProgramArea",
  "NationalCollaborationGroup",
  "RegionalProgramArea",
  "LocalProgramArea",
  "WorkingGroup",
  "GovernanceBody",
] as const;
