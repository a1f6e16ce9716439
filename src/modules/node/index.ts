import type { ModuleDescriptor } from "../../graphql/module";
import { NodeResolver } from "./node.resolver";

/** `node` and `nodes`: any object by global ID, fetched by the modules' node types (ModuleDescriptor.nodeTypes). */
export const nodeModule: ModuleDescriptor = {
  name: "node",
  resolvers: [NodeResolver],
};
