import { Ctx, Field, Int, ObjectType, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context";
import { GraphQLDateTime } from "../../graphql/scalars";

@ObjectType({
  description:
    "Where the caller stands in its query-cost budget, as GitHub's API tells it: each API key, and each client address without a key, may spend a number of cost points per window; every request spends its computed cost (the one `extensions.cost.requested` reports). Over the budget a request is refused with RATE_LIMITED (HTTP 429) and a Retry-After header. The same figures come in the `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-used`, `x-ratelimit-reset` and `x-ratelimit-cost` response headers.",
})
export class RateLimit {
  @Field(() => Int, { description: "The cost budget of one window." })
  limit!: number;

  @Field(() => Int, { description: "What this request cost (at least 1)." })
  cost!: number;

  @Field(() => Int, { description: "What is left of the budget in this window, this request's cost taken." })
  remaining!: number;

  @Field(() => Int, { description: "What has been spent of the budget in this window, this request's cost included." })
  used!: number;

  @Field(() => GraphQLDateTime, { description: "When the window ends and the budget is whole again." })
  resetAt!: Date;
}

@Resolver()
export class RateLimitResolver {
  @Query(() => RateLimit, {
    nullable: true,
    description:
      "The caller's query-cost budget after this request (its cost included). Null only when the request's cost could not be computed.",
  })
  rateLimit(@Ctx() context: Context): RateLimit | null {
    // The answer is this request's alone: never served again from the response cache.
    context.uncacheable = true;
    const state = context.rateLimit;
    return state ? { ...state, used: state.limit - state.remaining } : null;
  }
}
