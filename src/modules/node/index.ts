import { NodeResolver } from "./node.resolver";

export const NodeResolvers = [NodeResolver] as const;
