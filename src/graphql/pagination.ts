import { IsOptional, Max, Min } from "class-validator";
import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import { BadUserInputError } from "./errors";

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

  @Field(() => String, { nullable: true, description: "Cursor of the last item on this page; pass it as `after` for the next page." })
  endCursor!: string | null;
}

@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: `How many items to return, 0 to ${MAX_PAGE_SIZE}.` })
  @IsOptional()
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, { nullable: true, description: "Return items after this cursor (the `endCursor` of the previous page)." })
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
export function Connection<Node extends object>(nodeType: ClassType<Node>, name: string) {
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

export function toConnection<Node>(page: Page<Node>) {
  const edges = page.nodes.map((node) => ({ cursor: page.cursorOf(node), node }));
  return {
    edges,
    nodes: page.nodes,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Keyset cursors: base64url of "<prefix>:<sort key>". */
export function encodeCursor(prefix: string, key: string): string {
  return Buffer.from(`${prefix}:${key}`, "utf8").toString("base64url");
}

export function decodeCursor(prefix: string, cursor: string, argument = "after"): string {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  if (!decoded.startsWith(`${prefix}:`) || encodeCursor(prefix, decoded.slice(prefix.length + 1)) !== cursor) {
    throw new BadUserInputError(`\`${argument}\` is not a cursor from this list`, argument);
  }
  return decoded.slice(prefix.length + 1);
}
