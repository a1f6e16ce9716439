import { applicationSchema, MODULES, registryOf } from "../src/app";
import { adminQuery } from "../src/db/postgres-admin";
import { createContext } from "../src/graphql/context";
import { exportDatabase, importDatabase } from "../src/transfer/transfer";
import { matrixGaps, scopeDeclared } from "./support/access-matrix";
import { createTestDatabase, type TestDatabase } from "./support/test-database";
import { gql, startTestServer, type TestServer } from "./support/test-server";
import { TRIAL_MIGRATION, trialModule } from "./fixtures/trial-module";

/**
 * Adding an entity takes its module folder, its migration and one line in the module list: here
 * the trial module (tests/fixtures/trial-module) is that line, and nothing shared is edited.
 */
const modules = [...MODULES, trialModule];
const registry = registryOf(modules);

let server: TestServer;
let registerId: string;
const extraDatabases: TestDatabase[] = [];
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64url");

async function migrate(url: string): Promise<void> {
  for (const statement of TRIAL_MIGRATION) await adminQuery(url, statement);
}

beforeAll(async () => {
  server = await startTestServer({ modules });
  await migrate(server.database.url);
  const [row] = await server.prisma.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO "trial_register" ("organisation_id", "name") SELECT "id", 'Kunskapsstödsregistret' FROM "organisation" WHERE "slug" = 'region-vasternorrland' RETURNING "id"::text AS "id"`,
  );
  registerId = row!.id;
});

afterAll(async () => {
  await server.stop();
  await Promise.all(extraDatabases.map((database) => database.drop()));
});

describe("a module added with one line in the module list", () => {
  it("has its type, query and mutation in the schema", async () => {
    const response = await gql<{
      __type: { name: string; interfaces: { name: string }[] } | null;
      __schema: { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] } };
    }>(
      server.url,
      `{ __type(name: "TrialRegister") { name interfaces { name } } __schema { queryType { fields { name } } mutationType { fields { name } } } }`,
    );
    expect(response.data?.__type).toEqual({ name: "TrialRegister", interfaces: [{ name: "Node" }] });
    expect(response.data?.__schema.queryType.fields.map((field) => field.name)).toContain("trialRegisters");
    expect(response.data?.__schema.mutationType.fields.map((field) => field.name)).toContain("updateTrialRegister");
    // The API's own module list does not serve it.
    const own = await applicationSchema();
    expect(own.getQueryType()?.getFields().trialRegisters).toBeUndefined();
    expect(own.getMutationType()?.getFields().updateTrialRegister).toBeUndefined();
  });

  it("is fetched by node(id) and nodes(ids)", async () => {
    const id = globalId("TrialRegister", registerId);
    const response = await gql<{ node: { __typename: string; name: string } | null; nodes: ({ id: string } | null)[] }>(
      server.url,
      `query($id: ID!) { node(id: $id) { __typename ... on TrialRegister { name } } nodes(ids: [$id]) { id } }`,
      { id },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      node: { __typename: "TrialRegister", name: "Kunskapsstödsregistret" },
      nodes: [{ id }],
    });
  });

  it("is changed through the write template and recorded in the audit trail, which shows it as itself", async () => {
    const writer = await server.keyHeaders(["write"]);
    const id = globalId("TrialRegister", registerId);
    const update = `mutation($input: UpdateTrialRegisterInput!) { updateTrialRegister(input: $input) { id name version } }`;
    const renamed = await gql<{ updateTrialRegister: { id: string; name: string; version: number } }>(
      server.url,
      update,
      { input: { id, name: "Kunskapsstöd för vård", expectedVersion: 1 } },
      writer,
    );
    expect(renamed.errors).toBeUndefined();
    expect(renamed.data?.updateTrialRegister).toEqual({ id, name: "Kunskapsstöd för vård", version: 2 });
    const stale = await gql(server.url, update, { input: { id, name: "Annat", expectedVersion: 1 } }, writer);
    expect(stale.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(stale.errors?.[0]?.message).toBe(
      "The trial register Kunskapsstöd för vård has changed: it is at version 2, not 1. Read it again and retry.",
    );

    // The event is written with the entity's value, in the same transaction as the change.
    const events = await server.prisma.$queryRawUnsafe<
      { entity: string; action: string; version: number; changes: unknown }[]
    >(
      `SELECT "entity"::text AS "entity", "action"::text AS "action", "version", "changes" FROM "audit_event" WHERE "entity_id" = $1::uuid`,
      registerId,
    );
    expect(events).toEqual([
      {
        entity: "TRIAL_REGISTER",
        action: "UPDATED",
        version: 2,
        changes: { name: ["Kunskapsstödsregistret", "Kunskapsstöd för vård"] },
      },
    ]);
    // The audit trail shows it through the module's view: as a TrialRegister, never as another type.
    const view = registry.auditEntities.get("TRIAL_REGISTER");
    expect(view?.typeNames).toEqual(["TrialRegister"]);
    const { loaders } = createContext(server.prisma, registry);
    expect(await view?.fetch(loaders, registerId)).toEqual({
      typeName: "TrialRegister",
      row: expect.objectContaining({ id: registerId, version: 2 }),
    });
    // Reading audit_event through Prisma needs the value in the generated client's AuditEntity
    // enum too: a real entity adds it to prisma/schema.prisma with its migration. This trial,
    // which cannot regenerate the client, shows that the API refuses rather than mislabels.
    const admin = await server.keyHeaders(["admin"]);
    const trail = await gql(
      server.url,
      `query($entity: ID!) { auditEvents(entity: $entity) { nodes { entityId } } }`,
      { entity: id },
      admin,
    );
    expect(trail.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(server.errors.map((error) => (error as { message?: string }).message)).toContain(
      "Value 'TRIAL_REGISTER' not found in enum 'AuditEntity'",
    );
  });

  it("has its mutation in the access matrix: covered, and refused to scopes it does not declare", async () => {
    const entries = ["updateTrialRegister", "updateTrialRegister (a region's key)"];
    // The API's own matrix entries cover the rest.
    const ownEntries = registry.mutations
      .filter((mutation) => mutation.module !== "trial")
      .map((mutation) => mutation.name);
    const schema = await applicationSchema(modules);
    expect(matrixGaps(registry, schema, [...ownEntries, ...entries])).toEqual({
      uncovered: [],
      undeclared: [],
      notInSchema: [],
      schemaUndeclared: [],
    });
    expect(matrixGaps(registry, schema, ownEntries).uncovered).toEqual(["updateTrialRegister"]);

    const update = `mutation($input: UpdateTrialRegisterInput!) { updateTrialRegister(input: $input) { version } }`;
    const input = { id: globalId("TrialRegister", registerId), name: "Inte ändrat" };
    for (const scope of ["read", "admin", "write:region:22"]) {
      expect(scopeDeclared(registry, "updateTrialRegister", scope)).toBe(false);
      const refused = await gql(server.url, update, { input }, await server.keyHeaders([scope]));
      expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    expect((await gql(server.url, update, { input })).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const [row] = await server.prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT "name" FROM "trial_register" WHERE "id" = $1::uuid`,
      registerId,
    );
    expect(row?.name).not.toBe("Inte ändrat");
  });

  it("has its table exported after the tables it refers to, and imported back exactly", async () => {
    const names = registry.tables.map((table) => table.name);
    expect(names.indexOf("trial_register")).toBeGreaterThan(names.indexOf("organisation"));
    const exported = await exportDatabase(server.database.url, registry.tables);
    expect(exported).toContain(`"trial_register":[`);
    expect(exported).toContain("Kunskapsstöd för vård");

    const target = await createTestDatabase();
    extraDatabases.push(target);
    await migrate(target.url);
    await importDatabase(target.url, registry.tables, exported, { replace: true });
    expect(await exportDatabase(target.url, registry.tables)).toBe(exported);
  });
});
