/** Opaque global IDs: base64url of "<TypeName>:<database id>", stable for the life of a record. */
export function toGlobalId(typeName: string, id: string): string {
  return Buffer.from(`${typeName}:${id}`, "utf8").toString("base64url");
}

export function fromGlobalId(globalId: string): { typeName: string; id: string } | undefined {
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  const separator = decoded.indexOf(":");
  if (separator <= 0 || toGlobalId(decoded.slice(0, separator), decoded.slice(separator + 1)) !== globalId) return undefined;
  return { typeName: decoded.slice(0, separator), id: decoded.slice(separator + 1) };
}
