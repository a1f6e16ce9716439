import { applicationSchema, buildRegistry, MODULES, RegistryError, tablesInDependencyOrder } from "../../src/app";
import { AuditEntity } from "../../src/generated/prisma/enums";
import type { ModuleDescriptor } from "../../src/graphql/module";
import { GraphQLEnumType } from "graphql";
import { Prisma } from "../../src/generated/prisma/client";

const none = async () => null;

describe("module registry", () => {
  it("builds from the API's modules: every audit entity shown, tables in the export order, each mutation once", async () => {
    const registry = buildRegistry(MODULES);
    expect([...registry.auditEntities.keys()].sort()).toEqual(Object.values(AuditEntity).sort());
    expect(registry.tables.map((table) => table.name)).toEqual([
      "healthcare_region",
      "region",
      "region_healthcare_region",
      "municipality",
      "organisation",
      "governance_group",
      "group_mirror",
      "hosting",
      "group_participation",
      "group_relation",
      "other_name",
      "group_phase",
      "expected_count",
      "person",
      "person_contact",
      "membership",
      "knowledge_support",
      "knowledge_support_program_area",
      "knowledge_support_state",
      "knowledge_support_version",
      "knowledge_support_name",
      "implementation",
      "implementation_municipality",
      "implementation_status",
      "follow_up",
      "follow_up_value",
      "sync_run",
      "sync_run_chunk",
      "sync_run_result_part",
      "api_key",
      "audit_event",
    ]);
    expect(registry.nodeTypes.has("Person") && registry.nodeTypes.has("WorkingGroup")).toBe(true);
    // `search` offers a kind for each source, and each kind has a source that turns its hits into objects.
    const searchKind = (await applicationSchema()).getType("SearchKind") as GraphQLEnumType;
    expect([...registry.searchSources.keys()].sort()).toEqual(
      searchKind
        .getValues()
        .map((value) => value.name)
        .sort(),
    );
  });

  it("refuses an audit entity no module shows, instead of showing it as another type", () => {
    const withoutGroups = MODULES.map((module): ModuleDescriptor => ({
      ...module,
      auditEntities: module.auditEntities?.filter((view) => view.entity !== "GROUP"),
    }));
    expect(() => buildRegistry(withoutGroups)).toThrow(
      new RegistryError("No module shows the audit entities GROUP (ModuleDescriptor.auditEntities)"),
    );
  });

  it("refuses a name two modules claim: node type, audit entity, search kind, mutation", () => {
    const twice = (part: ModuleDescriptor): ModuleDescriptor[] => [...MODULES, part];
    expect(() => buildRegistry(twice({ name: "copy", nodeTypes: [{ typeName: "Person", fetch: none }] }))).toThrow(
      /both declare the node type Person/,
    );
    expect(() =>
      buildRegistry(twice({ name: "copy", auditEntities: [{ entity: "PERSON", typeNames: ["Person"], fetch: none }] })),
    ).toThrow(/both declare the audit entity PERSON/);
    expect(() =>
      buildRegistry(
        twice({
          name: "copy",
          searchSources: [
            { kind: "PERSON", description: "People", types: () => [], candidates: () => Prisma.empty, hydrate: none },
          ],
        }),
      ),
    ).toThrow(/both declare the search kind PERSON/);
    expect(() =>
      buildRegistry(twice({ name: "copy", mutations: [{ name: "updatePerson", scopes: ["write"] }] })),
    ).toThrow(/both declare the mutation updatePerson/);
    expect(() => buildRegistry(twice({ name: "copy", tables: [{ name: "person", orderBy: "id" }] }))).toThrow(
      /table person is declared twice/,
    );
  });

  it("orders tables after those they depend on, and refuses unknown dependencies and cycles", () => {
    expect(
      tablesInDependencyOrder([
        { name: "b", orderBy: "id", dependsOn: ["a"] },
        { name: "c", orderBy: "id" },
        { name: "a", orderBy: "id" },
      ]).map((table) => table.name),
    ).toEqual(["c", "a", "b"]);
    expect(() => tablesInDependencyOrder([{ name: "b", orderBy: "id", dependsOn: ["a"] }])).toThrow(
      /depends on a, which no module declares/,
    );
    expect(() =>
      tablesInDependencyOrder([
        { name: "a", orderBy: "id", dependsOn: ["b"] },
        { name: "b", orderBy: "id", dependsOn: ["a"] },
      ]),
    ).toThrow(/a, b depend on each other in a cycle/);
  });
});
