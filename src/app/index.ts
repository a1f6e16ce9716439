import type { GraphQLSchema } from "graphql";
import type { ModuleDescriptor, ModuleRegistry } from "../graphql/module";
import { printGraphQLSchema } from "../graphql/print-schema";
import { buildGraphQLSchema } from "../graphql/schema";
import { MODULES } from "./modules";
import { buildRegistry } from "./registry";

export { MODULES } from "./modules";
export { buildRegistry, RegistryError, tablesInDependencyOrder } from "./registry";

const registries = new WeakMap<readonly ModuleDescriptor[], ModuleRegistry>();

/** The checked registry of a module list (of the API's own by default), built once per list. */
export function registryOf(modules: readonly ModuleDescriptor[] = MODULES): ModuleRegistry {
  let registry = registries.get(modules);
  if (!registry) {
    registry = buildRegistry(modules);
    registries.set(modules, registry);
  }
  return registry;
}

/** The API's executable schema. */
export function applicationSchema(modules: readonly ModuleDescriptor[] = MODULES): Promise<GraphQLSchema> {
  return buildGraphQLSchema(modules);
}

/** The API's schema as schema.graphql has it. */
export async function printApplicationSchema(): Promise<string> {
  return printGraphQLSchema(await applicationSchema());
}
