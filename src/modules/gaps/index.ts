import type { ModuleDescriptor } from "../../graphql/module";
import { StructureGapResolver } from "./gaps.resolver";

/** Where the structure is incomplete: missing RPOs, LPOs, chairs. */
export const gapsModule: ModuleDescriptor = {
  name: "gaps",
  resolvers: [StructureGapResolver],
};
