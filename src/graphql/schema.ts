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
    }).then(describeRootTypes);
    schemas.set(modules, schema);
  }
  return schema;
}

/** type-graphql gives the root types no description; GraphiQL and generated clients show these. */
function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  if (query)
    query.description =
      "Reads of Sweden's knowledge-governance structure in health care: national, healthcare-regional and regional bodies, the geography, organisations, people and their memberships, search, structure reports, the change feed and the audit trail.";
  const mutation = schema.getMutationType();
  if (mutation)
    mutation.description =
      "Writes, each one transaction with an audit event: people, memberships, groups and organisations, and the bulk membership sync. Every mutation needs an API key with a write scope.";
  return schema;
}
