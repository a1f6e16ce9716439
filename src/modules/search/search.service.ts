import type { Database } from "../../db/prisma";
import { Prisma } from "../../generated/prisma/client";
import { BadUserInputError } from "../../graphql/errors";
import { bigint, float, oneOf, row, text } from "../../db/sql";
import { sqlReader } from "../../db/read-sql";
import type { SearchMatch, SearchSource } from "../../graphql/module";
import { decodeKeyCursor, encodeKeyCursor, type Page } from "../../graphql/pagination";

export interface SearchHit {
  /** The kind of the source that found it. */
  kind: string;
  id: string;
  score: number;
}

const SEARCH_CURSOR = "search";

/**
 * Case- and accent-insensitive search over the names the search sources offer (groups,
 * organisations, people: ModuleDescriptor.searchSources; former names and variants too), in one
 * statement; a record found by several of its names counts once. Names and
 * query are folded (lower case, unaccent: "hälsa" ~ "halsa"); a hit matches as a substring or by
 * trigram word similarity (misspellings), or, for a query of several words, by containing every
 * word in any order. Ranked: names containing every word of a several-word query first; then
 * whole name, name prefix, word prefix, substring, similarity; then the more words found at the
 * start of a word; national bodies before regional ones at equal rank.
 */
export class SearchService {
  constructor(
    private readonly prisma: Database,
    private readonly sources: readonly SearchSource[],
  ) {}

  async search(query: string, kinds: readonly string[], first: number, after?: string): Promise<Page<SearchHit>> {
    const offset = after === undefined ? 0 : offsetOf(after);
    // Parameters (not CTE columns) in the conditions, so the planner can use the trigram indexes.
    const words = wordsOf(query);
    const match: SearchMatch = {
      folded: Prisma.sql`kg_fold(${query})`,
      like: Prisma.sql`kg_fold(${likePattern(query)})`,
      everyWord: (column) =>
        words.length < 2
          ? Prisma.sql`FALSE`
          : Prisma.sql`(${Prisma.join(
              words.map((word) => Prisma.sql`${column} LIKE kg_fold(${likePattern(word)})`),
              " AND ",
            )})`,
    };
    const sources = this.sources.filter((source) => kinds.length === 0 || kinds.includes(source.kind));
    const searchRow = row({
      kind: oneOf(this.sources.map((source) => source.kind)),
      id: text(),
      score: float(),
      total: bigint(),
    });
    const rows = await sqlReader(this.prisma).rows(
      "search",
      Prisma.sql`
      WITH term AS (
        SELECT kg_fold(${query}) AS t,
               ARRAY(SELECT kg_fold(w) FROM unnest(${words}::text[]) AS w) AS ws
      ),
      candidates (kind, id, label, tier, name, alias) AS (
        ${Prisma.join(
          sources.map((source) => source.candidates(match)),
          " UNION ALL ",
        )}
      ),
      scored AS (
        SELECT c.kind, c.id, c.label, c.tier,
          cardinality(ws) > 1 AND NOT EXISTS (
            SELECT FROM unnest(ws) AS w WHERE strpos(c.name, w) = 0 AND strpos(c.alias, w) = 0
          ) AS every_word,
          (SELECT count(*) FROM unnest(ws) AS w
            WHERE strpos(' ' || c.name, ' ' || w) > 0 OR strpos(' ' || c.alias, ' ' || w) > 0)::int AS word_starts,
          greatest(
          CASE WHEN c.name = t OR c.alias = t THEN 1.0
               WHEN left(c.name, length(t)) = t OR left(c.alias, length(t)) = t THEN 0.9
               WHEN strpos(' ' || c.name, ' ' || t) > 0 OR strpos(' ' || c.alias, ' ' || t) > 0 THEN 0.8
               WHEN strpos(c.name, t) > 0 OR strpos(c.alias, t) > 0 THEN 0.6
               ELSE 0 END,
          word_similarity(t, c.name) * 0.5
        )::float8 AS score
        FROM candidates c, term
      ),
      -- A record found by several names (its name, a former name) counts once, by its best.
      best AS (
        SELECT DISTINCT ON (kind, id) * FROM scored ORDER BY kind, id, every_word DESC, score DESC, word_starts DESC
      )
      SELECT kind, id::text AS id, score, count(*) OVER () AS total
        FROM best
       ORDER BY every_word DESC, score DESC, word_starts DESC, tier, label, id
      OFFSET ${offset} LIMIT ${first + 1}`,
      searchRow,
    );
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

/** At most this many words of a query count for matching every word. */
const MAX_WORDS = 8;

/** The query's distinct words of two or more letters or digits (punctuation separates words). */
function wordsOf(query: string): string[] {
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 2);
  return [...new Set(words)].slice(0, MAX_WORDS);
}

/** A LIKE pattern finding `text` anywhere, its wildcards taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, "\\$&")}%`;
}

function offsetOf(cursor: string): number {
  const [offset] = decodeKeyCursor(SEARCH_CURSOR, cursor);
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0)
    throw new BadUserInputError("`after` is not a cursor from this list", "after");
  return offset;
}
