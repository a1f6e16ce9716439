import { compareSortKeys } from "./pagination";

/**
 * The one order of the API's lists of named things: Swedish alphabetical order by name (as
 * `Intl.Collator("sv")` and PostgreSQL's ICU collation "sv-x-icu" have it: å, ä, ö after z, case
 * and accents second), ties broken by a stable key (the id). Lists with an order of their own say
 * so in their description: members by role, memberships by recency, search by relevance, the
 * audit trail and sync runs by time, a municipality's groups by level.
 */
export function inNameOrder<Item extends { name: string; id?: string }>(
  items: readonly Item[],
  tieBreak: (item: Item) => string = (item) => item.id ?? "",
): Item[] {
  return [...items].sort((a, b) => compareSortKeys([a.name, tieBreak(a)], [b.name, tieBreak(b)]));
}

/** Appended to a list field's description. */
export const NAME_ORDER = "in Swedish alphabetical order by name";
