import type { ModuleDescriptor } from "../../graphql/module";
import { RateLimitResolver } from "./rate-limit.resolver";

/** `rateLimit`: the caller's query-cost budget, as the rate limit (src/access/rate-limit.ts) counts it. */
export const rateLimitModule: ModuleDescriptor = {
  name: "rate-limit",
  resolvers: [RateLimitResolver],
};
