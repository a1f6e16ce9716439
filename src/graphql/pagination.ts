import { IsOptional, Max, Min } from "class-validator";
import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import { BadUserInputError } from "./errors";
import { OptionalCursor } from "./validation";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

@ObjectType({ description: "Where a page stands in its list (Relay cursor connections)." })
export class PageInfo {
  @Field({ description: "True when more items follow the last one on this page." })
  hasNextPage!: boolean;

  @Field({ description: "True when items precede the first one on this page." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the first item on this page." })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Cursor of the last item on this page; pass it as `after` for the next page.",
  })
  endCursor!: string | null;
}

@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: DEFAULT_PAGE_SIZE,
    description: `How many items to return, 0 to ${MAX_PAGE_SIZE}.`,
  })
  @IsOptional()
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, {
    nullable: true,
    description: "Return items after this cursor (the `endCursor` of the previous page).",
  })
  @OptionalCursor()
  after?: string;
}

export interface Page<Node> {
  nodes: Node[];
  totalCount: number;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  cursorOf: (node: Node) => string;
}

export interface Edge<Node> {
  cursor: string;
  node: Node;
}

/** A Relay connection type for `nodeType`, named `<name>Connection` with `<name>Edge` edges. */
export function Connection<Node extends object>(nodeType: ClassType<Node> | (abstract new () => Node), name: string) {
  @ObjectType(`${name}Edge`, { description: `An edge in a ${name} connection: a node and its cursor.` })
  class EdgeType {
    @Field({ description: "Opaque cursor of this node." })
    cursor!: string;

    @Field(() => nodeType, { description: "The item." })
    node!: Node;
  }

  @ObjectType()
  abstract class ConnectionType {
    @Field(() => [EdgeType], { description: "The items of this page with their cursors." })
    edges!: Edge<Node>[];

    @Field(() => [nodeType], { description: "The items of this page." })
    nodes!: Node[];

    @Field(() => PageInfo, { description: "Paging information." })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: "Number of items in the whole list, across all pages." })
    totalCount!: number;
  }
  return ConnectionType;
}

/** What a connection field resolves to, before its nodes' own fields are resolved. */
export type ConnectionOf<Node> = ReturnType<typeof toConnection<Node>>;

/** A connection whose cursors are made when a field asks for them: most pages are read through `nodes` alone. */
export function toConnection<Node>(page: Page<Node>) {
  let edges: { cursor: string; node: Node }[] | undefined;
  const cursorAt = (index: number) => {
    const node = page.nodes.at(index);
    return node === undefined ? null : page.cursorOf(node);
  };
  return {
    get edges() {
      return (edges ??= page.nodes.map((node) => ({ cursor: page.cursorOf(node), node })));
    },
    nodes: page.nodes,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      get startCursor() {
        return cursorAt(0);
      },
      get endCursor() {
        return cursorAt(-1);
      },
    },
  };
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Return the first n items (after \`after\`), 0 to ${MAX_PAGE_SIZE}. Defaults to ${DEFAULT_PAGE_SIZE} when neither \`first\` nor \`last\` is given.`,
  })
  @IsOptional()
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, {
    nullable: true,
    description: "Return items after this cursor (the `endCursor` of the previous page).",
  })
  @OptionalCursor()
  after?: string;

  @Field(() => Int, {
    nullable: true,
    description: `Return the last n items (before \`before\`), 0 to ${MAX_PAGE_SIZE}. Not together with \`first\`.`,
  })
  @IsOptional()
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  last?: number;

  @Field(() => String, {
    nullable: true,
    description: "Return items before this cursor (the `startCursor` of the next page).",
  })
  @OptionalCursor()
  before?: string;
}

export type SortKey = readonly (string | number)[];

const collator = new Intl.Collator("sv");

/** Orders sort keys element by element: numbers numerically, text in Swedish order. */
export function compareSortKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = typeof x === "number" && typeof y === "number" ? x - y : collator.compare(String(x), String(y));
    if (order !== 0) return order;
  }
  return 0;
}

/** Keyset cursors: base64url of the JSON `[list, ...sort key]`, checked to come from that list. */
export function encodeKeyCursor(list: string, key: SortKey): string {
  return Buffer.from(JSON.stringify([list, ...key]), "utf8").toString("base64url");
}

/** The kinds of part a sort key holds: text, a finite number, a UUID, or a non-negative 64-bit integer written as text. */
export type KeyPart = "string" | "number" | "uuid" | "int64";

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;
const DIGITS = /^\d{1,19}$/;
export const MAX_INT64 = 2n ** 63n - 1n;

/** Whether `value` is a non-negative integer that fits PostgreSQL's `bigint`, written in decimal. */
export function isInt64Text(value: unknown): value is string {
  return typeof value === "string" && DIGITS.test(value) && BigInt(value) <= MAX_INT64;
}

function fitsPart(part: unknown, kind: KeyPart): boolean {
  switch (kind) {
    case "string":
      return typeof part === "string";
    case "number":
      return typeof part === "number" && Number.isFinite(part);
    case "uuid":
      return typeof part === "string" && UUID.test(part);
    case "int64":
      return isInt64Text(part);
  }
}

/**
 * The sort key in a cursor from `list`. With `shape`, the key must have exactly those parts, so
 * a cursor whose key does not fit the list's query is BAD_USER_INPUT and never reaches the database.
 */
export function decodeKeyCursor(list: string, cursor: string, argument = "after", shape?: readonly KeyPart[]): SortKey {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(decoded) &&
      decoded[0] === list &&
      decoded.slice(1).every((part) => typeof part === "string" || typeof part === "number") &&
      (shape === undefined ||
        (decoded.length === shape.length + 1 && shape.every((kind, index) => fitsPart(decoded[index + 1], kind)))) &&
      encodeKeyCursor(list, decoded.slice(1) as SortKey) === cursor
    ) {
      return decoded.slice(1) as SortKey;
    }
  } catch {
    // reported below
  }
  throw new BadUserInputError(`\`${argument}\` is not a cursor from this list`, argument);
}

/** Checks `first`/`last` and returns how many items to take from which end. */
export function pageWindow(args: PageArgs): { size: number; fromEnd: boolean } {
  if (args.first !== undefined && args.first !== null && args.last !== undefined && args.last !== null) {
    throw new BadUserInputError("Pass either `first` or `last`, not both", "last");
  }
  if (args.last !== undefined && args.last !== null) return { size: args.last, fromEnd: true };
  return { size: args.first ?? DEFAULT_PAGE_SIZE, fromEnd: false };
}

/**
 * A page of a list held in memory (a parent's members, say), ordered by `keyOf`. Cursors
 * carry the sort key, so a page stays correct when items before it come or go.
 */
export function paginate<Node>(
  items: readonly Node[],
  args: PageArgs,
  list: string,
  keyOf: (node: Node) => SortKey,
): Page<Node> {
  const { size, fromEnd } = pageWindow(args);
  const keyed = items.map((node) => ({ node, key: keyOf(node) })).sort((a, b) => compareSortKeys(a.key, b.key));
  // A cursor's key must have the parts of this list's keys; an empty list has none to compare with.
  const shape = keyed[0]?.key.map((part): KeyPart => (typeof part === "number" ? "number" : "string"));
  const afterKey = args.after == null ? undefined : decodeKeyCursor(list, args.after, "after", shape);
  const beforeKey = args.before == null ? undefined : decodeKeyCursor(list, args.before, "before", shape);
  const start = afterKey ? keyed.findIndex((item) => compareSortKeys(item.key, afterKey) > 0) : 0;
  const end = beforeKey ? keyed.findIndex((item) => compareSortKeys(item.key, beforeKey) >= 0) : keyed.length;
  const from = start === -1 ? keyed.length : start;
  const to = Math.max(from, end === -1 ? keyed.length : end);
  const window = fromEnd ? keyed.slice(Math.max(from, to - size), to) : keyed.slice(from, Math.min(to, from + size));
  const keys = new Map(window.map((item) => [item.node, item.key]));
  return {
    nodes: window.map((item) => item.node),
    totalCount: items.length,
    hasNextPage: fromEnd ? to < keyed.length : to - from > size,
    hasPreviousPage: fromEnd ? to - from > size : from > 0,
    cursorOf: (node) => encodeKeyCursor(list, keys.get(node) ?? keyOf(node)),
  };
}
