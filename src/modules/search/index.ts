import type { ModuleDescriptor } from "../../graphql/module";
import { createSearchResolver } from "./search.resolver";

/**
 * Search across the other modules' search sources (ModuleDescriptor.searchSources): the root
 * passes it the modules it lists, so a new searchable entity needs no change here.
 */
export function createSearchModule(modules: readonly ModuleDescriptor[]): ModuleDescriptor {
  return { name: "search", resolvers: [createSearchResolver(modules.flatMap((module) => module.searchSources ?? []))] };
}
