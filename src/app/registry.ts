import type { Database } from "../db/prisma";
import { AuditEntity } from "../generated/prisma/enums";
import type { Loaders } from "../graphql/module";
import type { LoaderFactory } from "../graphql/loader";
import type {
  AuditEntityView,
  ModuleDescriptor,
  ModuleRegistry,
  MutationDeclaration,
  NodeType,
  SearchSource,
  TableDeclaration,
} from "../graphql/module";

export class RegistryError extends Error {}

/**
 * Everything the modules declare, checked and indexed. Fails at startup (and in the suite) on a
 * name two modules claim, a table depending on one nobody declares or on itself through others,
 * and an `AuditEntity` value no module maps: an audit event is never shown as another type.
 */
export function buildRegistry(
  modules: readonly ModuleDescriptor[],
  auditEntities: readonly string[] = Object.values(AuditEntity),
): ModuleRegistry {
  const nodeTypes = indexed(
    modules,
    (module) => module.nodeTypes,
    (nodeType: NodeType) => nodeType.typeName,
    "node type",
  );
  const views = indexed(
    modules,
    (module) => module.auditEntities,
    (view: AuditEntityView) => view.entity,
    "audit entity",
  );
  const searchSources = indexed(
    modules,
    (module) => module.searchSources,
    (source: SearchSource) => source.kind,
    "search kind",
  );
  const mutations = indexed(
    modules,
    (module) => module.mutations,
    (mutation: MutationDeclaration) => mutation.name,
    "mutation",
  );
  const unmapped = auditEntities.filter((entity) => !views.has(entity));
  if (unmapped.length > 0)
    throw new RegistryError(
      `No module shows the audit entities ${unmapped.join(", ")} (ModuleDescriptor.auditEntities)`,
    );
  const factories = modules.flatMap((module) =>
    module.loaders ? [{ module: module.name, create: module.loaders }] : [],
  );
  return {
    modules,
    nodeTypes: new Map([...nodeTypes].map(([name, { value }]) => [name, value])),
    auditEntities: new Map([...views].map(([name, { value }]) => [name, value])),
    auditedTypeNames: [...views.values()].flatMap(({ value }) => value.typeNames),
    searchSources: new Map([...searchSources].map(([name, { value }]) => [name, value])),
    tables: tablesInDependencyOrder(modules.flatMap((module) => module.tables ?? [])),
    mutations: [...mutations.values()].map(({ value, module }) => ({ ...value, module })),
    createLoaders(prisma: Database, load: LoaderFactory): Loaders {
      const loaders: Record<string, unknown> = {};
      const owners = new Map<string, string>();
      for (const { module, create } of factories) {
        for (const [name, loader] of Object.entries(create(prisma, load))) {
          if (owners.has(name))
            throw new RegistryError(`The modules ${owners.get(name)} and ${module} both declare the loader ${name}`);
          owners.set(name, module);
          loaders[name] = loader;
        }
      }
      // Each module typed its own part of Loaders from its factory (see src/graphql/context.ts).
      return loaders as unknown as Loaders;
    },
  };
}

function indexed<Item>(
  modules: readonly ModuleDescriptor[],
  items: (module: ModuleDescriptor) => readonly Item[] | undefined,
  key: (item: Item) => string,
  what: string,
): Map<string, { value: Item; module: string }> {
  const index = new Map<string, { value: Item; module: string }>();
  for (const module of modules) {
    for (const item of items(module) ?? []) {
      const name = key(item);
      const holder = index.get(name);
      if (holder)
        throw new RegistryError(`The modules ${holder.module} and ${module.name} both declare the ${what} ${name}`);
      index.set(name, { value: item, module: module.name });
    }
  }
  return index;
}

/** The tables, each after those it depends on; otherwise in the order declared (so exports stay stable). */
export function tablesInDependencyOrder(tables: readonly TableDeclaration[]): TableDeclaration[] {
  const byName = new Map<string, TableDeclaration>();
  for (const table of tables) {
    if (byName.has(table.name)) throw new RegistryError(`The table ${table.name} is declared twice`);
    byName.set(table.name, table);
  }
  for (const table of tables) {
    for (const dependency of table.dependsOn ?? []) {
      if (!byName.has(dependency))
        throw new RegistryError(`The table ${table.name} depends on ${dependency}, which no module declares`);
    }
  }
  const ordered: TableDeclaration[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const next = tables.find(
      (table) => !placed.has(table.name) && (table.dependsOn ?? []).every((dependency) => placed.has(dependency)),
    );
    if (!next)
      throw new RegistryError(
        `The tables ${tables
          .filter((table) => !placed.has(table.name))
          .map((table) => table.name)
          .join(", ")} depend on each other in a cycle`,
      );
    ordered.push(next);
    placed.add(next.name);
  }
  return ordered;
}
