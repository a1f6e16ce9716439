import type { Database } from "../../db/prisma";
import type { AuditEvent as AuditEventRow, Prisma } from "../../generated/prisma/client";
import { BadUserInputError } from "../../graphql/errors";
import { databaseIdOf, isUuid } from "../../graphql/global-id";
import { decodeKeyCursor, DEFAULT_PAGE_SIZE, encodeKeyCursor, type Page } from "../../graphql/pagination";
import type { AuditEventsArgs, ChangesArgs } from "./audit.types";

const AUDIT_CURSOR = "audit-events";
const FEED_CURSOR = "changes";

export class AuditService {
  constructor(
    private readonly prisma: Database,
    /** The types whose changes are audited. */
    private readonly auditedTypes: readonly string[] = [],
  ) {}

  /** Audit events in commit order, keyset-paginated on their sequence. */
  async auditEvents(args: AuditEventsArgs): Promise<Page<AuditEventRow>> {
    const where: Prisma.AuditEventWhereInput = {};
    if (args.entity) {
      where.entityId = databaseIdOf(args.entity, this.auditedTypes, "entity");
    }
    if (args.syncRun) where.syncRunId = uuidOf(args.syncRun, "syncRun");
    if (args.since) where.occurredAt = { gte: args.since };
    const size = args.first ?? DEFAULT_PAGE_SIZE;
    const after = args.after ? BigInt(decodeKeyCursor(AUDIT_CURSOR, args.after, "after", ["int64"])[0]!) : undefined;
    const [rows, totalCount] = await Promise.all([
      this.prisma.auditEvent.findMany({
        where: { ...where, ...(after !== undefined ? { id: { gt: after } } : {}) },
        orderBy: { id: "asc" },
        take: size + 1,
      }),
      this.prisma.auditEvent.count({ where }),
    ]);
    return {
      nodes: rows.slice(0, size),
      totalCount,
      hasNextPage: rows.length > size,
      hasPreviousPage: after !== undefined,
      cursorOf: (row) => encodeKeyCursor(AUDIT_CURSOR, [row.id.toString()]),
    };
  }

  /** The change feed: events after the cursor, in commit order (see AuditLog for why ids follow commits). */
  async changes(args: ChangesArgs): Promise<{ rows: AuditEventRow[]; cursor: string; hasMore: boolean }> {
    const after = args.since ? feedPosition(args.since) : 0n;
    const rows = await this.prisma.auditEvent.findMany({
      where: { id: { gt: after } },
      orderBy: { id: "asc" },
      take: args.first + 1,
    });
    const page = rows.slice(0, args.first);
    const last = page.at(-1)?.id ?? after;
    return { rows: page, cursor: encodeKeyCursor(FEED_CURSOR, [last.toString()]), hasMore: rows.length > args.first };
  }
}

function feedPosition(cursor: string): bigint {
  const [position] = decodeKeyCursor(FEED_CURSOR, cursor, "since", ["int64"]);
  return BigInt(position!);
}

function uuidOf(value: string, field: string): string {
  if (!isUuid(value)) throw new BadUserInputError(`\`${field}\` is not a sync run id`, field);
  return value;
}
