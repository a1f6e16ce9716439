import type { Database } from "../../db/prisma";
import { Prisma } from "../../generated/prisma/client";
import { BadUserInputError } from "../../graphql/errors";
import { bigint, float, oneOf, queryRows, row, text } from "../../db/sql";
import { decodeKeyCursor, encodeKeyCursor, type Page } from "../../graphql/pagination";

export enum SearchKind {
  GROUP = "GROUP",
  ORGANISATION = "ORGANISATION",
  PERSON = "PERSON",
}

export interface SearchHit {
  kind: SearchKind;
  id: string;
  score: number;
}

const SEARCH_CURSOR = "search";

const SEARCH_ROW = row({ kind: oneOf(Object.values(SearchKind)), id: text(), score: float(), total: bigint() });

/**
 * Case- and accent-insensitive search over group, organisation and person names. Names and
 * query are folded (lower case, unaccent: "hälsa" ~ "halsa"); a hit matches as a substring or by
 * trigram word similarity (misspellings). Ranked: whole name, then name prefix, word prefix,
 * substring, similarity; national bodies before regional ones at equal rank.
 */
export class SearchService {
  constructor(private readonly prisma: Database) {}

  async search(query: string, kinds: SearchKind[], first: number, after?: string): Promise<Page<SearchHit>> {
    const offset = after === undefined ? 0 : offsetOf(after);
    const include = (kind: SearchKind) => kinds.length === 0 || kinds.includes(kind);
    // Parameters (not CTE columns) in the conditions, so the planner can use the trigram indexes.
    const folded = Prisma.sql`kg_fold(${query})`;
    const like = Prisma.sql`kg_fold(${`%${query.replace(/[\\%_]/g, "\\$&")}%`})`;
    const rows = await queryRows(this.prisma, Prisma.sql`
      WITH term AS (SELECT kg_fold(${query}) AS t),
      candidates AS (
        SELECT 'GROUP' AS kind, g.id, g.name AS label,
               CASE g.level WHEN 'NATIONAL' THEN 0 WHEN 'HEALTHCARE_REGIONAL' THEN 1 ELSE 2 END AS tier,
               kg_fold(g.name) AS name, coalesce(kg_fold(g.short_name), '') AS alias
          FROM governance_group g
         WHERE ${include(SearchKind.GROUP)} AND (kg_fold(g.name) LIKE ${like} OR kg_fold(g.short_name) LIKE ${like} OR ${folded} <% kg_fold(g.name))
        UNION ALL
        SELECT 'ORGANISATION', o.id, o.name, 3, kg_fold(o.name), coalesce(kg_fold(o.short_name), '')
          FROM organisation o
         WHERE ${include(SearchKind.ORGANISATION)} AND (kg_fold(o.name) LIKE ${like} OR kg_fold(o.short_name) LIKE ${like} OR ${folded} <% kg_fold(o.name))
        UNION ALL
        SELECT 'PERSON', p.id, p.given_name || ' ' || p.family_name, 4, kg_fold(p.given_name || ' ' || p.family_name), kg_fold(p.family_name)
          FROM person p
         WHERE ${include(SearchKind.PERSON)} AND (kg_fold(p.given_name || ' ' || p.family_name) LIKE ${like} OR ${folded} <% kg_fold(p.given_name || ' ' || p.family_name))
      ),
      scored AS (
        SELECT c.kind, c.id, c.label, c.tier, greatest(
          CASE WHEN c.name = t OR c.alias = t THEN 1.0
               WHEN left(c.name, length(t)) = t OR left(c.alias, length(t)) = t THEN 0.9
               WHEN strpos(' ' || c.name, ' ' || t) > 0 OR strpos(' ' || c.alias, ' ' || t) > 0 THEN 0.8
               WHEN strpos(c.name, t) > 0 OR strpos(c.alias, t) > 0 THEN 0.6
               ELSE 0 END,
          word_similarity(t, c.name) * 0.5
        )::float8 AS score
        FROM candidates c, term
      )
      SELECT kind, id::text AS id, score, count(*) OVER () AS total
        FROM scored
       ORDER BY score DESC, tier, label, id
      OFFSET ${offset} LIMIT ${first + 1}`, SEARCH_ROW);
    const total = rows[0] ? Number(rows[0].total) : 0;
    const hits: SearchHit[] = rows.map(({ kind, id, score }) => ({ kind, id, score }));
    return {
      nodes: hits.slice(0, first),
      totalCount: total,
      hasNextPage: rows.length > first,
      hasPreviousPage: offset > 0,
      cursorOf: (hit) => encodeKeyCursor(SEARCH_CURSOR, [offset + hits.indexOf(hit) + 1]),
    };
  }
}

function offsetOf(cursor: string): number {
  const [offset] = decodeKeyCursor(SEARCH_CURSOR, cursor);
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) throw new BadUserInputError("`after` is not a cursor from this list", "after");
  return offset;
}
