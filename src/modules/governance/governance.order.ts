import type { GroupRow } from "./governance.loaders";
import { GroupLevel } from "../../generated/prisma/enums";
import type { SortKey } from "../../graphql/pagination";

const LEVEL_RANK = new Map(Object.values(GroupLevel).map((level, index) => [level, index]));

/** National bodies first, then healthcare-regional, then regional; by name within a level. */
export function groupByLevelOrder(group: GroupRow): SortKey {
  return [LEVEL_RANK.get(group.level) ?? 0, group.name, group.id];
}
