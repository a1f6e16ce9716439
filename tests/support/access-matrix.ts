import type { GraphQLSchema } from "graphql";
import type { ModuleRegistry, ScopePattern } from "../../src/graphql/module";

/** The mutation an access-matrix entry calls: "updatePerson (a person in no group)" calls updatePerson. */
export function mutationOfEntry(entry: string): string {
  return entry.replace(/ \(.*\)$/, "");
}

/**
 * What the access matrix misses: mutations a module declares that no entry calls, entries of
 * mutations no module declares, and mutations of the schema no module declares. All empty when
 * the matrix and the registry agree.
 */
export function matrixGaps(
  registry: ModuleRegistry,
  schema: GraphQLSchema,
  entries: readonly string[],
): { uncovered: string[]; undeclared: string[]; notInSchema: string[]; schemaUndeclared: string[] } {
  const declared = registry.mutations.map((mutation) => mutation.name);
  const covered = new Set(entries.map(mutationOfEntry));
  const inSchema = Object.keys(schema.getMutationType()?.getFields() ?? {});
  return {
    uncovered: declared.filter((name) => !covered.has(name)).sort(),
    undeclared: [...covered].filter((name) => !declared.includes(name)).sort(),
    notInSchema: declared.filter((name) => !inSchema.includes(name)).sort(),
    schemaUndeclared: inSchema.filter((name) => !declared.includes(name)).sort(),
  };
}

/** Whether a caller's scope is one the mutation declares at all (`write:region:22` matches `write:region`). */
export function scopeDeclared(registry: ModuleRegistry, entry: string, scope: string): boolean {
  const mutation = registry.mutations.find((candidate) => candidate.name === mutationOfEntry(entry));
  if (!mutation) throw new Error(`No module declares the mutation of the access-matrix entry ${entry}`);
  const pattern = (scope.startsWith("write:region:") ? "write:region" : scope) as ScopePattern;
  return mutation.scopes.includes(pattern);
}
