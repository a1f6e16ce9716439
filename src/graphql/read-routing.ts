import type { ApolloServerPlugin } from "@apollo/server";
import type { Caller } from "../access/caller";
import type { CallerPositions } from "../db/caller-positions";
import { isDatabaseUnavailable } from "../db/errors";
import type { Database } from "../db/prisma";
import { formatLsn, parseLsn, type ReadReplicas, type Replica, type RouteReason } from "../db/read-replicas";
import { ErrorCode, GraphQLErrorWithCode } from "./errors";
import type { CacheAware } from "./response-cache";

/**
 * The header carrying a WAL position between the API and its callers. The API sets it on every
 * answer: after a mutation, the primary's position after its commit; after a query, the latest
 * position known of the server that answered it (or the caller's own, when later). A caller that
 * sends it back is answered from a replica only once that replica has replayed the position, so
 * it reads its own writes on any API process, and is not sent to a server further behind than the
 * one that answered it before (up to one probe interval). Callers with an API key need not send it
 * after writing: the key's last write is remembered.
 */
export const MIN_POSITION_HEADER = "x-kg-min-lsn";

interface RoutedContext extends CacheAware {
  prisma: Database;
  caller: Caller;
}

/**
 * The WAL position a caller must see: the later of the `x-kg-min-lsn` header it sent and its
 * key's last write; undefined when it requires none, "invalid" for a header that is not a position.
 */
export async function requiredPosition(
  sent: string | undefined,
  caller: Caller,
  positions: CallerPositions,
): Promise<bigint | "invalid" | undefined> {
  const fromHeader = sent === undefined ? undefined : parseLsn(sent);
  if (sent !== undefined && fromHeader === undefined) return "invalid";
  const remembered = caller.keyId === null ? undefined : await positions.get(caller.keyId);
  if (fromHeader === undefined) return remembered;
  return remembered !== undefined && remembered > fromHeader ? remembered : fromHeader;
}

export interface ReadRoutingOptions<Context extends RoutedContext> {
  replicas: ReadReplicas;
  positions: CallerPositions;
  /** Rebinds the request's context (its client and loaders) to a replica's client. */
  rebind(context: Context, prisma: Database): void;
  /** Counts each routing decision. */
  routed(target: "primary" | "replica", reason: RouteReason): void;
}

/**
 * Sends each query to a replica that has replayed what its caller must see, or to the primary;
 * mutations to the primary, and their writes' position to the caller (header) and to the key's
 * memory. Decided once the operation is known and before anything is read.
 */
export function readRouting<Context extends RoutedContext>({
  replicas,
  positions,
  rebind,
  routed,
}: ReadRoutingOptions<Context>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request }) {
      let mutation = false;
      let replica: Replica | undefined;
      let minLsn: bigint | undefined;
      const sent = request.http?.headers.get(MIN_POSITION_HEADER);
      return {
        async didResolveOperation({ operation, contextValue }) {
          if (sent !== undefined && parseLsn(sent) === undefined)
            throw new GraphQLErrorWithCode(
              `The ${MIN_POSITION_HEADER} header must be a WAL position as the API sent it (e.g. 0/3000148), not ${JSON.stringify(sent.slice(0, 40))}.`,
              ErrorCode.BAD_USER_INPUT,
              { http: { status: 400 } },
            );
          if (operation?.operation === "mutation") {
            mutation = true;
            routed("primary", "mutation");
            return;
          }
          const required = await requiredPosition(sent, contextValue.caller, positions);
          minLsn = required === "invalid" ? undefined : required;
          const route = replicas.route(minLsn);
          replica = route.replica;
          routed(replica ? "replica" : "primary", route.reason);
          if (!replica) return;
          rebind(contextValue, route.prisma);
          const slot = contextValue.responseCacheSlot;
          if (slot && !replicas.mayKeep(replica, slot.version)) contextValue.responseCacheSlot = undefined;
        },
        async willSendResponse({ response, contextValue, errors }) {
          if (mutation) {
            // After the commit: a replica that has replayed this position sees the writes.
            const lsn = await replicas.primaryPosition().catch(() => undefined);
            if (lsn === undefined) return;
            response.http.headers.set(MIN_POSITION_HEADER, formatLsn(lsn));
            const keyId = contextValue.caller.keyId;
            if (keyId !== null) await positions.note(keyId, lsn);
            return;
          }
          if (replica && errors?.some((error) => isDatabaseUnavailable(error))) replicas.unreachable(replica);
          const seen = replica ? replica.replayLsn : replicas.lastPrimaryPosition;
          const position = seen !== undefined && (minLsn === undefined || seen > minLsn) ? seen : minLsn;
          if (position !== undefined) response.http.headers.set(MIN_POSITION_HEADER, formatLsn(position));
        },
      };
    },
  };
}
