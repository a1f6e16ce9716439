import { StructureGapResolver } from "./gaps.resolver";

export const GapsResolvers = [StructureGapResolver] as const;
