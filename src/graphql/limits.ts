import { performance } from "node:perf_hooks";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, isListType, getNullableType, type DocumentNode, type ValidationContext } from "graphql";
import { getComplexity, type ComplexityEstimator } from "graphql-query-complexity";
import { DEFAULT_PAGE_SIZE } from "./pagination";
import type { SqlStatementCounter } from "../db/sql-statement-counter";
import { ErrorCode, GraphQLErrorWithCode } from "./errors";
import { withoutResolverCheckedItems } from "./request-guards";
import { ServiceUnavailableError } from "./service-unavailable";

/** Limits checked before a request executes. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Hide "Did you mean …?" suggestions, which let strangers map a schema they cannot introspect. */
  blockFieldSuggestions: boolean;
}

/** A list without page arguments is counted as this many items. */
export const ASSUMED_LIST_SIZE = 10;

export class QueryTooComplexError extends GraphQLErrorWithCode {
  constructor(message: string, limit: string, max: number, actual: number | undefined) {
    super(message, ErrorCode.QUERY_TOO_COMPLEX, {
      limit,
      max,
      ...(actual === undefined ? {} : { actual }),
      http: { status: 400 },
    });
  }
}

/**
 * Cost in the style of GitHub's node limit: one per field, and a list multiplies what it holds by
 * the number of items it may return: `first`/`last` on connections (default page size), the
 * number of `ids` in `nodes`, an assumed size for lists without page arguments.
 */
export const pageAwareEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (field.args.some((arg) => arg.name === "first" || arg.name === "last")) {
    const size =
      typeof args.first === "number" ? args.first : typeof args.last === "number" ? args.last : DEFAULT_PAGE_SIZE;
    return 1 + childComplexity * Math.max(size, 1);
  }
  if (Array.isArray(args.ids)) return 1 + childComplexity * Math.max(args.ids.length, 1);
  // A connection's `edges` and `nodes` hold the page its field already counted.
  if (isListType(getNullableType(field.type)) && !type.name.endsWith("Connection"))
    return 1 + childComplexity * ASSUMED_LIST_SIZE;
  return 1 + childComplexity;
};

/** graphql-armor's depth, alias and directive limits, reported as QUERY_TOO_COMPLEX naming the limit. */
export function armorProtection(limits: QueryLimits) {
  const reject = (limit: string, max: number) => ({
    n: max,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const actual = /found (\d+)/.exec(error.message)?.[1];
        context?.reportError(
          new QueryTooComplexError(error.message, limit, max, actual === undefined ? undefined : Number(actual)),
        );
      },
    ],
  });
  return new ApolloArmor({
    maxDepth: reject("depth", limits.maxDepth),
    maxAliases: reject("aliases", limits.maxAliases),
    maxDirectives: reject("directives", limits.maxDirectives),
    // Tokens are limited by graphql-js's own parser option (see `parseOptions`); cost by the plugin below.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: limits.blockFieldSuggestions },
  }).protect();
}

export interface CostReport {
  cost?: number;
}

/** Costs kept per document and (operation name, variables); a document's are forgotten beyond this many. */
const COSTS_PER_DOCUMENT = 64;

/**
 * Computes each operation's cost before it executes, refuses it above the limit, and tells the
 * caller. `spend`, when given, is called with the cost of each operation that passes the limit
 * (at least 1), before it executes: the cost budget of the rate limit; it refuses by throwing.
 */
export function costLimitPlugin<Context extends CostReport>(
  maxCost: number,
  spend?: (context: Context, cost: number) => Promise<void>,
): ApolloServerPlugin<Context> {
  // The cost depends only on the schema (fixed), the document and the variables. Apollo Server
  // keeps one parsed document per distinct query text, so a repeated request finds its cost here.
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema, contextValue }) {
          const variables = operation
            ? withoutResolverCheckedItems(schema, operation, request.variables ?? {})
            : (request.variables ?? {});
          const key = `${request.operationName ?? ""}\u0000${Object.keys(variables).length > 0 ? JSON.stringify(variables) : ""}`;
          let known = costs.get(document);
          let cost = known?.get(key);
          if (cost === undefined) {
            try {
              cost = getComplexity({
                schema,
                query: document,
                variables,
                operationName: request.operationName ?? undefined,
                estimators: [pageAwareEstimator],
              });
            } catch (error) {
              // Bad variables are reported by execution with their own message; a runaway fragment expansion is not.
              if (error instanceof GraphQLError && /query nodes/i.test(error.message))
                throw new QueryTooComplexError(error.message, "nodes", 10_000, undefined);
              return;
            }
            if (!known) costs.set(document, (known = new Map()));
            if (known.size >= COSTS_PER_DOCUMENT) known.clear();
            known.set(key, cost);
          }
          contextValue.cost = cost;
          if (cost > maxCost) {
            throw new QueryTooComplexError(
              `Query cost ${cost} exceeds the limit of ${maxCost} by ${cost - maxCost}. Ask for smaller pages (first/last) or fewer nested lists.`,
              "cost",
              maxCost,
              cost,
            );
          }
          await spend?.(contextValue, Math.max(1, cost));
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind === "single" && contextValue.cost !== undefined) {
            response.body.singleResult.extensions = {
              ...response.body.singleResult.extensions,
              cost: { requested: contextValue.cost, limit: maxCost },
            };
          }
        },
      };
    },
  };
}

/** The message graphql-js gives when a document has too many tokens, as QUERY_TOO_COMPLEX. */
export function tokenLimitError(message: string, maxTokens: number): QueryTooComplexError | undefined {
  return /Document contains more th(?:an|at) \d+ tokens/.test(message)
    ? new QueryTooComplexError(
        `The document has more than ${maxTokens} tokens, the limit. Parsing was aborted.`,
        "tokens",
        maxTokens,
        undefined,
      )
    : undefined;
}

/** Per-request state that carries the execution deadline (see src/db/sql-statement-counter.ts). */
export interface DeadlineHolder {
  sqlStatements: SqlStatementCounter;
}

/**
 * The execution deadline of reads. A query still running `timeoutMs` after execution began
 * starts no further SQL statement or DataLoader batch: those fields fail, the rest of the answer
 * stands. Where the time went decides the answer: when the request spent most of it waiting on
 * the database (for a pool connection, or for statements to return), the database is what is
 * slow, and the answer is SERVICE_UNAVAILABLE (retry later); otherwise the request itself is too
 * much work, and the answer is QUERY_TOO_COMPLEX with `limit: "executionTime"`.
 *
 * A mutation gets no deadline once it runs: stopping it between its commit and its result
 * fields would report a change that was made as failed. Its time is bounded by the database
 * timeouts and the transaction's own timeout instead.
 *
 * The deadline is checked where database work starts, not on every field, which costs nothing
 * on fields that are already in memory.
 */
export function executionTimeoutPlugin<Context extends DeadlineHolder>(timeoutMs: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart({ operation, contextValue }) {
          // No operation (several and no operationName): execution fails at once with OPERATION_RESOLUTION_FAILURE.
          // The hook's type says otherwise, but Apollo Server calls it before checking.
          const resolved = operation as typeof operation | undefined;
          if (!resolved || resolved.operation === "mutation") return;
          const state = contextValue.sqlStatements;
          const startedAt = performance.now();
          const waitedBefore = state.waitedOnDatabaseMs;
          state.deadline = {
            at: startedAt + timeoutMs,
            refuse(waitedOnDatabaseMs, now) {
              const waited = waitedOnDatabaseMs - waitedBefore;
              return waited * 2 > now - startedAt
                ? new ServiceUnavailableError(
                    `The database answered too slowly: the request waited on it for ${Math.round(waited)} ms of the ${timeoutMs} ms it may run. Try again shortly.`,
                  )
                : new QueryTooComplexError(
                    `Execution took longer than the limit of ${timeoutMs} ms and was stopped.`,
                    "executionTime",
                    timeoutMs,
                    undefined,
                  );
            },
          };
        },
      };
    },
  };
}
