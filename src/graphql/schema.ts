import "reflect-metadata";
import type { GraphQLSchema } from "graphql";
import { buildSchema, type NonEmptyArray } from "type-graphql";
import type { ModuleDescriptor, ResolverClass } from "./module";

const schemas = new WeakMap<readonly ModuleDescriptor[], Promise<GraphQLSchema>>();

/** The executable schema of these modules, built once per module list from their decorated classes. */
export function buildGraphQLSchema(modules: readonly ModuleDescriptor[]): Promise<GraphQLSchema> {
  let schema = schemas.get(modules);
  if (!schema) {
    const resolvers = modules.flatMap((module) => [...(module.resolvers ?? [])]);
    if (resolvers.length === 0) throw new Error("No module declares a resolver");
    schema = buildSchema({
      resolvers: resolvers as NonEmptyArray<ResolverClass>,
      orphanedTypes: modules.flatMap((module) => [...(module.orphanedTypes ?? [])]),
      validate: { forbidUnknownValues: false },
    });
    schemas.set(modules, schema);
  }
  return schema;
}
