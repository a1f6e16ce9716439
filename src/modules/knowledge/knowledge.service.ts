import type { Database } from "../../db/prisma";
import { sqlReader } from "../../db/read-sql";
import { bigint, date, nullable, oneOf, row, text } from "../../db/sql";
import { ImplementationStatus, Prisma, type KnowledgeSupportState } from "../../generated/prisma/client";
import { NotFoundError } from "../../graphql/errors";
import { decodeKeyCursor, encodeKeyCursor, type ForwardPageArgs, type Page } from "../../graphql/pagination";
import { isoDay, today } from "../../graphql/period";
import {
  IMPLEMENTATION_COLUMNS,
  implementationRow,
  KNOWLEDGE_SUPPORT_COLUMNS,
  knowledgeSupportRow,
} from "./knowledge.loaders";
import { IN_USE_STATES, type ImplementationMatrixArgs, type KnowledgeSupportFilter } from "./knowledge.args";
import type { ImplementationMatrixRow, KnowledgeSupportRow } from "./knowledge.types";

const CURSOR = "knowledge-supports";

/** The state in force on a day, as SQL on knowledge_support aliased `ks`. */
function stateOnSql(day: Date): Prisma.Sql {
  const on = Prisma.sql`${isoDay(day)}::date`;
  return Prisma.sql`(SELECT s.state FROM knowledge_support_state s
     WHERE s.knowledge_support_id = ks.id AND (s.valid_from IS NULL OR s.valid_from <= ${on})
       AND (s.valid_to IS NULL OR s.valid_to >= ${on}) LIMIT 1)`;
}

/** Folds a search text as kg_fold does and escapes LIKE's wildcards. */
function likePattern(search: string): string {
  return `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class KnowledgeService {
  constructor(private readonly prisma: Database) {}

  private whereSql(filter: KnowledgeSupportFilter): Prisma.Sql {
    const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
    if (filter.programArea)
      conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM knowledge_support_program_area a
        JOIN governance_group pa ON pa.id = a.program_area_id
       WHERE a.knowledge_support_id = ks.id AND pa.slug = ${filter.programArea})`);
    if (filter.owner)
      conditions.push(Prisma.sql`(ks.owner_group_id = (SELECT og.id FROM governance_group og WHERE og.slug = ${filter.owner})
        OR ks.owner_organisation_id = (SELECT oo.id FROM organisation oo WHERE oo.slug = ${filter.owner}))`);
    if (filter.kind?.length) conditions.push(Prisma.sql`ks.kind = ANY(${filter.kind}::"KnowledgeSupportKind"[])`);
    if (filter.state?.length)
      conditions.push(
        Prisma.sql`${stateOnSql(filter.activeOn ?? today())} = ANY(${filter.state}::"KnowledgeSupportState"[])`,
      );
    if (filter.municipalTarget != null) conditions.push(Prisma.sql`ks.municipal_target = ${filter.municipalTarget}`);
    if (filter.search?.trim()) {
      const like = Prisma.sql`kg_fold(${likePattern(filter.search)})`;
      conditions.push(Prisma.sql`(kg_fold(ks.name) LIKE ${like} OR EXISTS (SELECT 1 FROM knowledge_support_name n
        WHERE n.knowledge_support_id = ks.id AND kg_fold(n.name) LIKE ${like}))`);
    }
    return Prisma.join(conditions, " AND ");
  }

  /** A page of the register, by name (keyset on name and id). */
  async knowledgeSupports(filter: KnowledgeSupportFilter, page: ForwardPageArgs): Promise<Page<KnowledgeSupportRow>> {
    const where = this.whereSql(filter);
    const size = page.first ?? 50;
    const key = page.after == null ? undefined : decodeKeyCursor(CURSOR, page.after, "after", ["string", "uuid"]);
    const after = key
      ? Prisma.sql`AND (ks.name > ${String(key[0])} OR (ks.name = ${String(key[0])} AND ks.id > ${String(key[1])}::uuid))`
      : Prisma.empty;
    const read = sqlReader(this.prisma);
    const [rows, [count]] = await Promise.all([
      read.rows(
        "knowledge_supports_page",
        Prisma.sql`SELECT ${KNOWLEDGE_SUPPORT_COLUMNS} FROM knowledge_support ks WHERE ${where} ${after}
          ORDER BY ks.name, ks.id LIMIT ${size + 1}`,
        knowledgeSupportRow,
      ),
      read.rows(
        "knowledge_supports_count",
        Prisma.sql`SELECT count(*) AS count FROM knowledge_support ks WHERE ${where}`,
        row({ count: bigint() }),
      ),
    ]);
    return {
      nodes: rows.slice(0, size),
      totalCount: Number(count?.count ?? 0),
      hasNextPage: rows.length > size,
      hasPreviousPage: key !== undefined,
      cursorOf: (found) => encodeKeyCursor(CURSOR, [found.name, found.id]),
    };
  }

  /**
   * Knowledge support of a program area × the 21 regions, with each region's implementation and
   * its status on the day: two statements, whatever the number of rows.
   */
  async implementationMatrix(args: ImplementationMatrixArgs): Promise<ImplementationMatrixRow[]> {
    const day = args.asOf ?? today();
    const states: KnowledgeSupportState[] = args.states?.length ? args.states : IN_USE_STATES;
    const read = sqlReader(this.prisma);
    const [areas, supports] = await Promise.all([
      read.rows(
        "implementation_matrix_area",
        Prisma.sql`SELECT g.id FROM governance_group g WHERE g.slug = ${args.programArea} AND g.kind IN ('NPO', 'PRIMARY_CARE_COUNCIL')`,
        row({ id: text() }),
      ),
      read.rows(
        "implementation_matrix_supports",
        Prisma.sql`SELECT ${KNOWLEDGE_SUPPORT_COLUMNS} FROM knowledge_support ks
          JOIN knowledge_support_program_area a ON a.knowledge_support_id = ks.id
          JOIN governance_group pa ON pa.id = a.program_area_id AND pa.slug = ${args.programArea}
         WHERE ${stateOnSql(day)} = ANY(${states}::"KnowledgeSupportState"[])
           ${args.kinds?.length ? Prisma.sql`AND ks.kind = ANY(${args.kinds}::"KnowledgeSupportKind"[])` : Prisma.empty}
         ORDER BY ks.name, ks.id`,
        knowledgeSupportRow,
      ),
    ]);
    if (areas.length === 0) throw new NotFoundError(`No program area has the slug ${args.programArea}`, "programArea");
    if (supports.length === 0) return [];
    const on = Prisma.sql`${isoDay(day)}::date`;
    const cells = await read.rows(
      "implementation_matrix_cells",
      Prisma.sql`SELECT ks.id AS "ksId", r.county_code AS "cellCounty", st.status AS "cellStatus", st.valid_from AS "cellSince",
             im.id AS "imId", ${IMPLEMENTATION_COLUMNS}
        FROM unnest(${supports.map((s) => s.id)}::uuid[]) AS ks(id)
        CROSS JOIN region r
        LEFT JOIN implementation im ON im.knowledge_support_id = ks.id AND im.county_code = r.county_code AND im.municipality_code IS NULL
        LEFT JOIN LATERAL (SELECT s.status, s.valid_from FROM implementation_status s
                            WHERE s.implementation_id = im.id AND s.valid_from <= ${on} AND (s.valid_to IS NULL OR s.valid_to >= ${on})
                            LIMIT 1) st ON TRUE
       ${args.region ? Prisma.sql`WHERE r.county_code = ${args.region}` : Prisma.empty}
       ORDER BY r.county_code`,
      (value) => {
        const cell = row({
          ksId: text(),
          cellCounty: text(),
          cellStatus: nullable(oneOf(Object.values(ImplementationStatus))),
          cellSince: nullable(date()),
          imId: nullable(text()),
        })(value);
        return { ...cell, implementation: cell.imId === null ? null : implementationRow(value) };
      },
    );
    const byKnowledgeSupport = new Map(supports.map((s) => [s.id, [] as ImplementationMatrixRow["cells"]]));
    for (const cell of cells)
      byKnowledgeSupport.get(cell.ksId)?.push({
        countyCode: cell.cellCounty,
        implementation: cell.implementation,
        status: cell.cellStatus ?? "NOT_DECIDED",
        since: cell.cellSince,
      });
    return supports.map((knowledgeSupport) => ({
      knowledgeSupport,
      cells: byKnowledgeSupport.get(knowledgeSupport.id) ?? [],
    }));
  }
}
