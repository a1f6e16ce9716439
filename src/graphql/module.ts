import type { Database } from "../db/prisma";
import type { Prisma } from "../generated/prisma/client";
import type { Scope } from "../access/scopes";
import type { LoaderFactory } from "./loader";

/**
 * The per-request DataLoaders of every module. Infrastructure cannot name them without importing
 * the modules, and the composition root cannot define them without the modules (which use this
 * type) importing it back; so this interface starts empty here and each module adds its loaders by
 * declaration merging in its `*.loaders.ts`:
 *
 *     declare module "../../graphql/module" { interface Loaders extends ReturnType<typeof createXLoaders> {} }
 *
 * The registry builds the object from the modules' factories (ModuleDescriptor.loaders).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Loaders {}

/**
 * The contract between a domain module and the composition root (src/app). A module exports one
 * descriptor; the server, the schema, `node`, the audit trail, search, export/import and the
 * access matrix are built from the list of descriptors, so infrastructure never imports a module.
 */
export interface ModuleDescriptor {
  /** The module's name, for messages. */
  name: string;
  /** Its resolver classes (queries, mutations, field resolvers). */
  resolvers?: readonly ResolverClass[];
  /** Object types no resolver returns directly (implementations of an interface). */
  orphanedTypes?: readonly ResolverClass[];
  /**
   * Its per-request DataLoaders. The module also augments the `Loaders` interface above with their type, so resolvers of every module see them typed.
   */
  loaders?: (prisma: Database, load: LoaderFactory) => object;
  /** The types `node(id:)` can fetch by global ID. */
  nodeTypes?: readonly NodeType[];
  /** How its audited entities are shown in the audit trail and the change feed. */
  auditEntities?: readonly AuditEntityView[];
  /** What `search` finds of it, and how a hit becomes an object. */
  searchSources?: readonly SearchSource[];
  /** Its tables, for export and import. */
  tables?: readonly TableDeclaration[];
  /** Its mutations and the scopes that may call them (the access matrix must cover each). */
  mutations?: readonly MutationDeclaration[];
  /** Work it does in the background while a server runs (queued sync runs, say): started with the server, stopped before its database client closes. */
  background?: (services: BackgroundServices) => BackgroundWork;
}

export interface BackgroundServices {
  prisma: Database;
  logger: {
    warn(details: object, message: string): void;
    error(details: object, message: string): void;
  };
}

export interface BackgroundWork {
  /** Lets work in progress finish (or records it as stopped) and releases what it holds. */
  stop(): Promise<void>;
}

// type-graphql takes classes; their instances are never seen by the root.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ResolverClass = Function;

export interface NodeType {
  /** The GraphQL type name in the global ID. */
  typeName: string;
  /** The row for a database id; null when there is none of this type. */
  fetch(loaders: Loaders, id: string): Promise<object | null>;
}

export interface AuditEntityView {
  /** A value of the `AuditEntity` database enum. */
  entity: string;
  /** The GraphQL types a record of this entity can be; when there is one, its global ID needs no read. */
  typeNames: readonly [string, ...string[]];
  /** The record as it is now, with the type it is shown as; null when it is gone. */
  fetch(loaders: Loaders, id: string): Promise<{ typeName: string; row: object } | null>;
}

export interface SearchSource {
  /** Its value of the `SearchKind` enum, and that value's description. */
  kind: string;
  description: string;
  /** The object types its hits are shown as: members of the `SearchResult` union. */
  types: () => readonly ResolverClass[];
  /**
   * Its candidates for a search, as SELECTs (joined by UNION ALL) of (kind, id, label, tier, name,
   * alias): `name` and `alias` folded with kg_fold, `tier` ordering equal scores (lower first); a
   * record may come once per name it is found by (e.g. a former name), and counts once. `match`
   * holds the query's SQL: `like` a folded %substring% pattern, `folded` the folded query.
   */
  candidates: (match: SearchMatch) => Prisma.Sql;
  /** The object a hit stands for, tagged with its type; null when it is gone. */
  hydrate(loaders: Loaders, id: string): Promise<{ typeName: string; row: object } | null>;
}

export interface SearchMatch {
  like: Prisma.Sql;
  folded: Prisma.Sql;
  /**
   * `(column LIKE %word1% AND column LIKE %word2% …)` for a query of several words, in any order
   * (`FALSE` for a single word, which `like` covers): `column` is a folded name, as indexed.
   */
  everyWord: (column: Prisma.Sql) => Prisma.Sql;
}

export interface TableDeclaration {
  name: string;
  /** Its primary-key order, as SQL. */
  orderBy: string;
  /** Tables its foreign keys refer to: they are exported and imported before it. */
  dependsOn?: readonly string[];
  /** Columns referring to rows of the same table: referenced rows are imported first. */
  selfReferences?: readonly string[];
}

export interface MutationDeclaration {
  /** The field of `Mutation`. */
  name: string;
  /** Scopes that may call it at all; whether a region's key may change a given record is decided per record. */
  scopes: readonly ScopePattern[];
}

/** A scope, with `write:region` standing for every `write:region:<countyCode>`. */
export type ScopePattern = Exclude<Scope, `write:region:${string}`> | "write:region";

/** What the composition root builds from the modules, for the modules that work across them (node, audit, search). */
export interface ModuleRegistry {
  readonly modules: readonly ModuleDescriptor[];
  readonly nodeTypes: ReadonlyMap<string, NodeType>;
  readonly auditEntities: ReadonlyMap<string, AuditEntityView>;
  /** Every type name an audited record can have. */
  readonly auditedTypeNames: readonly string[];
  readonly searchSources: ReadonlyMap<string, SearchSource>;
  /** Every table, referenced tables first. */
  readonly tables: readonly TableDeclaration[];
  readonly mutations: readonly (MutationDeclaration & { module: string })[];
  /** Per-request loaders of every module. */
  createLoaders(prisma: Database, load: LoaderFactory): Loaders;
}

/** A row that may be missing, tagged with the type it is shown as: for audit views and search sources. */
export async function foundAs(
  typeName: string,
  row: Promise<object | null>,
): Promise<{ typeName: string; row: object } | null> {
  const value = await row;
  return value && { typeName, row: value };
}
