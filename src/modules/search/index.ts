import type { ModuleDescriptor } from "../../graphql/module";
import { SearchResolver } from "./search.resolver";

/** Search across the modules' search sources (ModuleDescriptor.searchSources). */
export const searchModule: ModuleDescriptor = {
  name: "search",
  resolvers: [SearchResolver],
};
