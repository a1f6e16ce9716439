import { Prisma } from "../src/generated/prisma/client";
import { gql, startTestServer, type GraphQLResponse, type TestServer } from "./support/test-server";

/**
 * The knowledge-support register, its implementation in regions and municipalities, and its
 * follow-up: seed, generated data, reads with bounded statement counts, writes with their rules,
 * audit trail and access, and the database's own constraints.
 */

let server: TestServer;
let writer: Record<string, string>;
let region22: Record<string, string>;
let region01: Record<string, string>;
let admin: Record<string, string>;

type Data = Record<string, unknown>;
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64url");
const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.code;
const fieldsOf = (response: GraphQLResponse) =>
  ((response.errors?.[0]?.extensions?.fields as { path: string }[] | undefined) ?? []).map((f) => f.path);

beforeAll(async () => {
  server = await startTestServer({ dataset: 1 });
  writer = await server.keyHeaders(["write"], "knowledge-writer");
  region22 = await server.keyHeaders(["write:region:22"], "knowledge-22");
  region01 = await server.keyHeaders(["write:region:01"], "knowledge-01");
  admin = await server.keyHeaders(["admin"], "knowledge-admin");
});

afterAll(() => server.stop());

async function ok<T = Data>(query: string, variables?: Record<string, unknown>, headers = writer): Promise<T> {
  const response = await gql<T>(server.url, query, variables, headers);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!;
}

async function groupGlobalId(slug: string): Promise<string> {
  const group = await server.prisma.group.findUniqueOrThrow({ where: { slug } });
  const type = {
    NPO: "NationalProgramArea",
    NSG: "NationalCollaborationGroup",
    LPO: "LocalProgramArea",
    LAG: "WorkingGroup",
    NAG: "WorkingGroup",
  }[group.kind as string];
  return globalId(type ?? "GovernanceBody", group.id);
}

describe("seeded knowledge support", () => {
  it("holds only items a public source names, each with its sources", async () => {
    const data = await ok<{ knowledgeSupport: Data & { ownerGroup: { slug: string }; state: { state: string } } }>(
      `{ knowledgeSupport(slug: "generiskt-ramverk-for-kunskapsstod") {
           name kind provenance url sources ownerGroup { slug } state { state validFrom } } }`,
    );
    expect(data.knowledgeSupport).toMatchObject({
      name: "Generiskt ramverk för kunskapsstöd",
      kind: "FRAMEWORK",
      provenance: "PARTIALLY_VERIFIED",
      ownerGroup: { slug: "nsg-metoder-for-kunskapsstod" },
      state: { state: "PUBLISHED", validFrom: null },
    });
    expect((data.knowledgeSupport.sources as string[]).length).toBeGreaterThan(0);
    const seeded = await server.prisma.knowledgeSupport.findMany({ where: { NOT: { slug: { startsWith: "gen-" } } } });
    for (const item of seeded) expect(item.sources.length).toBeGreaterThan(0);
  });
});

describe("reads", () => {
  it("lists the knowledge support of a program area, by owner, kind, state and name", async () => {
    const { knowledgeSupports } = await ok<{
      knowledgeSupports: { totalCount: number; nodes: { name: string; programAreas: { slug: string }[] }[] };
    }>(
      `{ knowledgeSupports(filter: { programArea: "psykisk-halsa" }, first: 100) {
           totalCount nodes { name programAreas { slug } } } }`,
    );
    expect(knowledgeSupports.totalCount).toBeGreaterThanOrEqual(3);
    for (const node of knowledgeSupports.nodes) expect(node.programAreas.map((a) => a.slug)).toContain("psykisk-halsa");

    const published = await ok<{ knowledgeSupports: { nodes: { state: { state: string } }[] } }>(
      `{ knowledgeSupports(filter: { state: [PUBLISHED, UNDER_REVISION] }, first: 100) { nodes { state { state } } } }`,
    );
    expect(published.knowledgeSupports.nodes.length).toBeGreaterThan(0);
    for (const node of published.knowledgeSupports.nodes)
      expect(["PUBLISHED", "UNDER_REVISION"]).toContain(node.state.state);

    const byAgency = await ok<{
      knowledgeSupports: { nodes: { kind: string; ownerOrganisation: { slug: string } }[] };
    }>(
      `{ knowledgeSupports(filter: { owner: "socialstyrelsen" }, first: 100) { nodes { kind ownerOrganisation { slug } } } }`,
    );
    expect(byAgency.knowledgeSupports.nodes.length).toBeGreaterThan(0);
    for (const node of byAgency.knowledgeSupports.nodes) expect(node.ownerOrganisation.slug).toBe("socialstyrelsen");

    const retired = await ok<{ knowledgeSupports: { nodes: { state: { reason: string | null } }[] } }>(
      `{ knowledgeSupports(filter: { state: [RETIRED] }, first: 100) { nodes { state { reason } } } }`,
    );
    expect(retired.knowledgeSupports.nodes.length).toBeGreaterThan(0);
    for (const node of retired.knowledgeSupports.nodes) expect(node.state.reason).toBeTruthy();
  });

  it("pages by name with cursors", async () => {
    const first = await ok<{ knowledgeSupports: { nodes: { name: string }[]; pageInfo: { endCursor: string } } }>(
      `{ knowledgeSupports(first: 5) { nodes { name } pageInfo { endCursor } } }`,
    );
    const second = await ok<{ knowledgeSupports: { nodes: { name: string }[] } }>(
      `query($after: String) { knowledgeSupports(first: 5, after: $after) { nodes { name } } }`,
      { after: first.knowledgeSupports.pageInfo.endCursor },
    );
    const names = [...first.knowledgeSupports.nodes, ...second.knowledgeSupports.nodes].map((n) => n.name);
    expect(new Set(names).size).toBe(10);
    const bad = await gql(server.url, `{ knowledgeSupports(after: "bm9wZQ") { totalCount } }`);
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
  });

  it("answers a coordinator's questions for a program area in one matrix with a bounded statement count", async () => {
    const query = `query($asOf: Date) { implementationMatrix(programArea: "psykisk-halsa", asOf: $asOf) {
        knowledgeSupport { name kind owner: ownerGroup { name } followUps { indicator dataSource targetLevel latestValues(region: "22") { value periodEnd } } }
        cells { countyCode status since region { name } implementation { decisionDate decidedBy responsibleGroup { slug } } } } }`;
    const response = await gql<{
      implementationMatrix: { cells: { countyCode: string; status: string }[] }[];
    }>(server.url, query);
    expect(response.errors).toBeUndefined();
    const rows = response.data!.implementationMatrix;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.cells.map((c) => c.countyCode)).toHaveLength(21);
    const statuses = new Set(rows.flatMap((row) => row.cells.map((c) => c.status)));
    expect(statuses.has("NOT_DECIDED")).toBe(true);
    expect(statuses.size).toBeGreaterThan(2);
    // Matrix (area, supports, cells), regions, owners, follow-ups, their values.
    expect(response.extensions?.sqlStatements).toBeLessThanOrEqual(8);
  });

  it("keeps the status history: the status on any day is answerable", async () => {
    const implementation = await server.prisma.implementationStatusPeriod.findFirstOrThrow({
      where: { validTo: { not: null } },
      orderBy: { id: "asc" },
    });
    const query = `query($id: ID!, $asOf: Date) { node(id: $id) { ... on Implementation { status(asOf: $asOf) { status validFrom } statusHistory { status } } } }`;
    const id = globalId("Implementation", implementation.implementationId);
    const then = await ok<{ node: { status: { status: string } } }>(query, {
      id,
      asOf: implementation.validFrom.toISOString().slice(0, 10),
    });
    expect(then.node.status.status).toBe(implementation.status);
    const now = await ok<{ node: { status: { status: string }; statusHistory: unknown[] } }>(query, { id });
    expect(now.node.statusHistory.length).toBeGreaterThan(1);
  });

  it("shows a region's and a municipality's implementations with their status", async () => {
    const data = await ok<{
      region: { implementations: { status: { status: string } | null; knowledgeSupport: { name: string } }[] };
      municipality: { implementations: { jointWithMunicipalities: boolean; municipalities: { code: string }[] }[] };
    }>(
      `{ region(countyCode: "22") { implementations(status: [IMPLEMENTING, IMPLEMENTED, FOLLOWED_UP]) { status { status } knowledgeSupport { name } } }
         municipality(code: "2281") { implementations { jointWithMunicipalities municipalities { code } } } }`,
    );
    expect(data.region.implementations.length).toBeGreaterThan(0);
    for (const found of data.region.implementations)
      expect(["IMPLEMENTING", "IMPLEMENTED", "FOLLOWED_UP"]).toContain(found.status?.status);
    expect(data.municipality.implementations.length).toBeGreaterThan(0);
    for (const found of data.municipality.implementations) {
      expect(found.jointWithMunicipalities).toBe(true);
      expect(found.municipalities.map((m) => m.code)).toContain("2281");
    }
  });

  it("finds knowledge support through search, by name", async () => {
    const data = await ok<{ search: { nodes: { __typename: string; name?: string }[] } }>(
      `{ search(query: "generiskt ramverk") { nodes { __typename ... on KnowledgeSupport { name } } } }`,
    );
    expect(data.search.nodes[0]).toEqual({
      __typename: "KnowledgeSupport",
      name: "Generiskt ramverk för kunskapsstöd",
    });
  });
});

const CREATE_KS = `mutation($input: CreateKnowledgeSupportInput!) { createKnowledgeSupport(input: $input) { id slug version state { state } } }`;
const UPDATE_KS = `mutation($input: UpdateKnowledgeSupportInput!) { updateKnowledgeSupport(input: $input) { id name version lifecycle { state validFrom validTo reason } formerNames { name } versions { label } } }`;
const CREATE_IMPL = `mutation($input: CreateImplementationInput!) { createImplementation(input: $input) { id version status { status } responsibleGroup { slug } } }`;
const UPDATE_IMPL = `mutation($input: UpdateImplementationInput!) { updateImplementation(input: $input) { id version statusHistory { status validFrom validTo reason } } }`;

describe("writes", () => {
  let knowledgeSupportId: string;
  let implementationId: string;

  it("records a knowledge support owned by an NPO, and refuses one without an owner or with two", async () => {
    const npo = await groupGlobalId("psykisk-halsa");
    const input = {
      slug: "test-vardforlopp-psykos",
      name: "Testförlopp psykos",
      kind: "CARE_PATHWAY",
      ownerGroup: npo,
      programAreas: [npo],
      municipalTarget: true,
      url: "https://example.se/psykos",
      state: { state: "IN_DEVELOPMENT", from: "2025-01-01" },
    };
    const { createKnowledgeSupport } = await ok<{ createKnowledgeSupport: { id: string; state: { state: string } } }>(
      CREATE_KS,
      { input },
    );
    expect(createKnowledgeSupport.state.state).toBe("IN_DEVELOPMENT");
    knowledgeSupportId = createKnowledgeSupport.id;

    const taken = await gql(server.url, CREATE_KS, { input }, writer);
    expect(codeOf(taken)).toBe("CONFLICT");
    const noOwner = await gql(server.url, CREATE_KS, { input: { ...input, slug: "x-1", ownerGroup: null } }, writer);
    expect(codeOf(noOwner)).toBe("BAD_USER_INPUT");
    const organisation = await server.prisma.organisation.findUniqueOrThrow({ where: { slug: "socialstyrelsen" } });
    const twoOwners = await gql(
      server.url,
      CREATE_KS,
      { input: { ...input, slug: "x-2", ownerOrganisation: globalId("Organisation", organisation.id) } },
      writer,
    );
    expect(codeOf(twoOwners)).toBe("BAD_USER_INPUT");
    const lpoOwner = await gql(
      server.url,
      CREATE_KS,
      { input: { ...input, slug: "x-3", ownerGroup: await groupGlobalId("lpo-22-psykisk-halsa") } },
      writer,
    );
    expect(codeOf(lpoOwner)).toBe("BAD_USER_INPUT");
    expect(fieldsOf(lpoOwner)).toContain("input.ownerGroup");
    const regionKey = await gql(server.url, CREATE_KS, { input: { ...input, slug: "x-4" } }, region22);
    expect(codeOf(regionKey)).toBe("FORBIDDEN");
  });

  it("moves a knowledge support through its lifecycle, keeping history, former names and versions", async () => {
    const published = await ok<{ updateKnowledgeSupport: { lifecycle: { state: string; validTo: string | null }[] } }>(
      UPDATE_KS,
      {
        input: {
          id: knowledgeSupportId,
          name: "Personcentrerat och sammanhållet vårdförlopp psykos (test)",
          newState: { state: "PUBLISHED", from: "2025-06-01" },
          addVersion: { label: "1.0", publishedOn: "2025-06-01" },
        },
      },
    );
    expect(published.updateKnowledgeSupport).toMatchObject({
      lifecycle: [
        { state: "IN_DEVELOPMENT", validFrom: "2025-01-01", validTo: "2025-05-31" },
        { state: "PUBLISHED", validFrom: "2025-06-01", validTo: null },
      ],
      formerNames: [{ name: "Testförlopp psykos" }],
      versions: [{ label: "1.0" }],
      version: 2,
    });
    const found = await ok<{ knowledgeSupports: { nodes: { slug: string }[] } }>(
      `{ knowledgeSupports(filter: { search: "testförlopp" }) { nodes { slug } } }`,
    );
    expect(found.knowledgeSupports.nodes.map((n) => n.slug)).toEqual(["test-vardforlopp-psykos"]);

    const backwards = await gql(
      server.url,
      UPDATE_KS,
      { input: { id: knowledgeSupportId, newState: { state: "UNDER_REVISION", from: "2025-03-01" } } },
      writer,
    );
    expect(codeOf(backwards)).toBe("BAD_USER_INPUT");
    expect(fieldsOf(backwards)).toContain("input.newState.from");
    const noReason = await gql(
      server.url,
      UPDATE_KS,
      { input: { id: knowledgeSupportId, newState: { state: "RETIRED", from: "2026-01-01" } } },
      writer,
    );
    expect(codeOf(noReason)).toBe("BAD_USER_INPUT");
    expect(fieldsOf(noReason)).toContain("input.newState.reason");
  });

  it("lets a region's key record and move its own region's implementation, not another region's", async () => {
    const input = {
      knowledgeSupport: knowledgeSupportId,
      countyCode: "22",
      jointWithMunicipalities: true,
      municipalities: ["2281", "2280"],
      decisionDate: "2025-09-01",
      decidedBy: "LPO",
      decidedByGroup: await groupGlobalId("lpo-22-psykisk-halsa"),
      responsibleGroup: await groupGlobalId("lpo-22-psykisk-halsa"),
      status: { status: "DECIDED", from: "2025-09-01" },
    };
    const elsewhere = await gql(server.url, CREATE_IMPL, { input }, region01);
    expect(codeOf(elsewhere)).toBe("FORBIDDEN");
    const outside = await gql(server.url, CREATE_IMPL, { input: { ...input, municipalities: ["0180"] } }, region22);
    expect(codeOf(outside)).toBe("BAD_USER_INPUT");
    const foreignLpo = await gql(
      server.url,
      CREATE_IMPL,
      { input: { ...input, responsibleGroup: await groupGlobalId("lpo-01-psykisk-halsa") } },
      region22,
    );
    expect(codeOf(foreignLpo)).toBe("BAD_USER_INPUT");
    const { createImplementation } = await ok<{
      createImplementation: { id: string; status: { status: string }; responsibleGroup: { slug: string } };
    }>(CREATE_IMPL, { input }, region22);
    expect(createImplementation).toMatchObject({
      status: { status: "DECIDED" },
      responsibleGroup: { slug: "lpo-22-psykisk-halsa" },
    });
    implementationId = createImplementation.id;
    expect(codeOf(await gql(server.url, CREATE_IMPL, { input }, region22))).toBe("CONFLICT");

    const moved = await ok<{ updateImplementation: { statusHistory: { status: string; validTo: string | null }[] } }>(
      UPDATE_IMPL,
      {
        input: { id: implementationId, expectedVersion: 1, newStatus: { status: "IMPLEMENTING", from: "2026-01-15" } },
      },
      region22,
    );
    expect(moved.updateImplementation.statusHistory).toEqual([
      { status: "DECIDED", validFrom: "2025-09-01", validTo: "2026-01-14", reason: null },
      { status: "IMPLEMENTING", validFrom: "2026-01-15", validTo: null, reason: null },
    ]);
    const stale = await gql(
      server.url,
      UPDATE_IMPL,
      { input: { id: implementationId, expectedVersion: 1, adaptationNote: "x" } },
      region22,
    );
    expect(codeOf(stale)).toBe("CONFLICT");
    const byOther = await gql(
      server.url,
      UPDATE_IMPL,
      { input: { id: implementationId, adaptationNote: "x" } },
      region01,
    );
    expect(codeOf(byOther)).toBe("FORBIDDEN");
    const noReason = await gql(
      server.url,
      UPDATE_IMPL,
      { input: { id: implementationId, newStatus: { status: "NOT_TO_BE_IMPLEMENTED", from: "2026-03-01" } } },
      region22,
    );
    expect(codeOf(noReason)).toBe("BAD_USER_INPUT");
    expect(fieldsOf(noReason)).toContain("input.newStatus.reason");

    const matrix = await ok<{
      implementationMatrix: { knowledgeSupport: { slug: string }; cells: { countyCode: string; status: string }[] }[];
    }>(
      `{ implementationMatrix(programArea: "psykisk-halsa", asOf: "2026-02-01") { knowledgeSupport { slug } cells { countyCode status } } }`,
    );
    const row = matrix.implementationMatrix.find((r) => r.knowledgeSupport.slug === "test-vardforlopp-psykos")!;
    expect(row.cells.find((c) => c.countyCode === "22")!.status).toBe("IMPLEMENTING");
    expect(row.cells.find((c) => c.countyCode === "01")!.status).toBe("NOT_DECIDED");
  });

  it("records follow-up indicators nationally and values per region, replacing a period's value", async () => {
    const { createFollowUp } = await ok<{ createFollowUp: { id: string } }>(
      `mutation($input: CreateFollowUpInput!) { createFollowUp(input: $input) { id } }`,
      {
        input: {
          knowledgeSupport: knowledgeSupportId,
          indicator: "Andel med vårdplan",
          dataSource: "PsykosR",
          targetLevel: "≥ 80 %",
        },
      },
    );
    const report = `mutation($input: ReportFollowUpValueInput!) { reportFollowUpValue(input: $input) { value periodEnd region { countyCode } } }`;
    const value = { followUp: createFollowUp.id, countyCode: "22", periodStart: "2025-01-01", periodEnd: "2025-12-31" };
    await ok(report, { input: { ...value, value: 61.5 } }, region22);
    await ok(report, { input: { ...value, value: 64 } }, region22);
    expect(codeOf(await gql(server.url, report, { input: { ...value, value: 1 } }, region01))).toBe("FORBIDDEN");
    const backwards = await gql(
      server.url,
      report,
      { input: { ...value, periodEnd: "2024-01-01", value: 1 } },
      region22,
    );
    expect(codeOf(backwards)).toBe("BAD_USER_INPUT");
    const read = await ok<{
      node: { followUps: { latestValues: { value: number; region: { countyCode: string } }[] }[] };
    }>(
      `query($id: ID!) { node(id: $id) { ... on KnowledgeSupport { followUps { latestValues { value region { countyCode } } } } } }`,
      { id: knowledgeSupportId },
    );
    expect(read.node.followUps[0]!.latestValues).toEqual([{ value: 64, region: { countyCode: "22" } }]);
  });

  it("changes a follow-up indicator: fields, provenance, versions, a taken indicator, audit and access", async () => {
    const CREATE = `mutation($input: CreateFollowUpInput!) { createFollowUp(input: $input) { id version } }`;
    const UPDATE = `mutation($input: UpdateFollowUpInput!) {
      updateFollowUp(input: $input) { id version indicator dataSource targetLevel note sources provenance } }`;
    type Updated = {
      updateFollowUp: {
        id: string;
        version: number;
        indicator: string;
        dataSource: string;
        targetLevel: string | null;
        note: string | null;
        sources: string[];
        provenance: string;
      };
    };
    const base = { knowledgeSupport: knowledgeSupportId, dataSource: "PsykosR" };
    const { createFollowUp } = await ok<{ createFollowUp: { id: string; version: number } }>(CREATE, {
      input: { ...base, indicator: "Andel med uppföljt läkemedel", targetLevel: "≥ 70 %" },
    });
    await ok(CREATE, { input: { ...base, indicator: "Väntetid till första besök" } });
    const id = createFollowUp.id;
    expect(createFollowUp.version).toBe(1);

    const changed = await ok<Updated>(UPDATE, {
      input: {
        id,
        expectedVersion: 1,
        indicator: "  Andel med uppföljd läkemedelsbehandling ",
        dataSource: "PsykosR 2026",
        targetLevel: "≥ 80 %",
        note: "Målnivå höjd",
        sources: ["https://example.org/psykosr"],
        provenance: "VERIFIED",
      },
    });
    expect(changed.updateFollowUp).toEqual({
      id,
      version: 2,
      indicator: "Andel med uppföljd läkemedelsbehandling",
      dataSource: "PsykosR 2026",
      targetLevel: "≥ 80 %",
      note: "Målnivå höjd",
      sources: ["https://example.org/psykosr"],
      provenance: "VERIFIED",
    });

    // The same values again change nothing: no new version, no audit event.
    const events = await server.prisma.auditEvent.count();
    const same = await ok<Updated>(UPDATE, { input: { id, targetLevel: "≥ 80 %", provenance: "VERIFIED" } });
    expect(same.updateFollowUp.version).toBe(2);
    expect(await server.prisma.auditEvent.count()).toBe(events);

    const cleared = await ok<Updated>(UPDATE, { input: { id, expectedVersion: 2, targetLevel: null, sources: null } });
    expect(cleared.updateFollowUp).toMatchObject({ version: 3, targetLevel: null, sources: [] });

    const stale = await gql(server.url, UPDATE, { input: { id, expectedVersion: 2, note: "x" } }, writer);
    expect(codeOf(stale)).toBe("CONFLICT");
    const taken = await gql(server.url, UPDATE, { input: { id, indicator: "Väntetid till första besök" } }, writer);
    expect(codeOf(taken)).toBe("CONFLICT");
    for (const field of ["indicator", "dataSource", "provenance"]) {
      const response = await gql(server.url, UPDATE, { input: { id, [field]: null } }, writer);
      expect(codeOf(response)).toBe("BAD_USER_INPUT");
      expect(fieldsOf(response)).toContain(`input.${field}`);
    }
    const blank = await gql(server.url, UPDATE, { input: { id, indicator: "   " } }, writer);
    expect(codeOf(blank)).toBe("BAD_USER_INPUT");
    const wrongType = await gql(server.url, UPDATE, { input: { id: knowledgeSupportId, note: "x" } }, writer);
    expect(codeOf(wrongType)).toBe("BAD_USER_INPUT");
    const missing = await gql(
      server.url,
      UPDATE,
      {
        input: { id: globalId("FollowUp", "00000000-0000-4000-8000-000000000000"), note: "x" },
      },
      writer,
    );
    expect(codeOf(missing)).toBe("NOT_FOUND");
    expect(codeOf(await gql(server.url, UPDATE, { input: { id, note: "x" } }, region22))).toBe("FORBIDDEN");
    expect(await server.prisma.auditEvent.count()).toBe(events + 1);

    const audit = await ok<{
      auditEvents: { nodes: { action: string; version: number; changes: { field: string }[] }[] };
    }>(
      `query($entity: ID) { auditEvents(entity: $entity, first: 50) { nodes { action version changes { field } } } }`,
      { entity: id },
      admin,
    );
    expect(audit.auditEvents.nodes.map((e) => [e.action, e.version])).toEqual([
      ["CREATED", 1],
      ["UPDATED", 2],
      ["UPDATED", 3],
    ]);
    expect(audit.auditEvents.nodes[1]!.changes.map((c) => c.field).sort()).toEqual([
      "dataSource",
      "indicator",
      "note",
      "provenance",
      "sources",
      "targetLevel",
    ]);
    expect(audit.auditEvents.nodes[2]!.changes.map((c) => c.field).sort()).toEqual(["sources", "targetLevel"]);
  });

  it("writes every change to the audit trail and the change feed", async () => {
    const audit = await ok<{
      auditEvents: { nodes: { action: string; entity: string; changes: { field: string }[] }[] };
    }>(
      `query($entity: ID) { auditEvents(entity: $entity, first: 50) { nodes { action entity changes { field } } } }`,
      { entity: knowledgeSupportId },
      admin,
    );
    expect(audit.auditEvents.nodes.map((e) => [e.entity, e.action])).toEqual([
      ["KNOWLEDGE_SUPPORT", "CREATED"],
      ["KNOWLEDGE_SUPPORT", "UPDATED"],
    ]);
    expect(audit.auditEvents.nodes[1]!.changes.map((c) => c.field).sort()).toEqual(["name", "state", "versions"]);
    const implementation = await ok<{ auditEvents: { nodes: { action: string; changes: { field: string }[] }[] } }>(
      `query($entity: ID) { auditEvents(entity: $entity, first: 50) { nodes { action changes { field } } } }`,
      { entity: implementationId },
      admin,
    );
    expect(implementation.auditEvents.nodes.map((e) => e.action)).toEqual(["CREATED", "UPDATED"]);
  });
});

describe("database constraints", () => {
  const violates = async (statement: Prisma.Sql, constraint: string) =>
    expect(server.prisma.$executeRaw(statement)).rejects.toThrow(constraint);

  it("refuses a retired state without a reason, overlapping periods and a second owner", async () => {
    const owner = await server.prisma.group.findUniqueOrThrow({ where: { slug: "psykisk-halsa" } });
    const support = await server.prisma.knowledgeSupport.create({
      data: {
        slug: "constraint-check",
        name: "Constraint check",
        kind: "RECOMMENDATION",
        ownerGroupId: owner.id,
        ownerGroupKind: "NPO",
      },
    });
    await server.prisma.knowledgeSupportStatePeriod.create({
      data: {
        knowledgeSupportId: support.id,
        state: "PLANNED",
        validFrom: new Date("2019-01-01"),
        validTo: new Date("2019-12-31"),
      },
    });
    await violates(
      Prisma.sql`INSERT INTO knowledge_support_state (knowledge_support_id, state, valid_from) VALUES (${support.id}::uuid, 'RETIRED', '2100-01-01')`,
      "kg_knowledge_support_retired_reason",
    );
    await violates(
      Prisma.sql`INSERT INTO knowledge_support_state (knowledge_support_id, state, valid_from, reason) VALUES (${support.id}::uuid, 'PLANNED', '2019-06-01', 'x')`,
      "kg_knowledge_support_state_no_overlap",
    );
    const organisation = await server.prisma.organisation.findUniqueOrThrow({ where: { slug: "socialstyrelsen" } });
    await violates(
      Prisma.sql`UPDATE knowledge_support SET owner_organisation_id = ${organisation.id}::uuid, owner_organisation_kind = 'AGENCY' WHERE id = ${support.id}::uuid AND owner_group_id IS NOT NULL`,
      "kg_knowledge_support_one_owner",
    );
  });

  it("refuses overlapping statuses of an implementation and a refusal without a reason", async () => {
    const status = await server.prisma.implementationStatusPeriod.findFirstOrThrow({
      where: { validTo: { not: null } },
      orderBy: { id: "asc" },
    });
    await violates(
      Prisma.sql`INSERT INTO implementation_status (implementation_id, status, valid_from) VALUES (${status.implementationId}::uuid, 'DECIDED', ${status.validFrom})`,
      "kg_implementation_status_no_overlap",
    );
    await violates(
      Prisma.sql`INSERT INTO implementation_status (implementation_id, status, valid_from) VALUES (${status.implementationId}::uuid, 'NOT_TO_BE_IMPLEMENTED', ${status.validFrom})`,
      "kg_implementation_not_to_be_implemented_reason",
    );
  });
});

/** The coordinator's questions for psykisk hälsa and region 22, in one operation. */
const COORDINATOR = `query Coordinator {
  knowledgeSupports(filter: { programArea: "psykisk-halsa" }, first: 100) {
    totalCount
    nodes {
      name kind state { state validFrom } ownerGroup { name } ownerOrganisation { name } programAreas { slug }
      versions { label } formerNames { name }
      implementations(region: "22") { decisionDate decidedBy status { status validFrom } responsibleGroup { slug } }
      followUps { indicator dataSource targetLevel latestValues(region: "22") { value periodEnd source } }
    }
  }
  implementationMatrix(programArea: "psykisk-halsa") {
    knowledgeSupport { slug }
    cells { countyCode status since region { name } implementation { responsibleGroup { slug } municipalities { code } } }
  }
  region(countyCode: "22") {
    implementations(status: [DECIDED, PLANNING, IMPLEMENTING]) { knowledgeSupport { name } status { status } municipalities { code } }
  }
  municipality(code: "2281") { implementations { knowledgeSupport { name } status { status } } }
}`;

describe("statement counts of the coordinator's questions", () => {
  it("stay within one statement per level at 1× and 10× data", async () => {
    const large = await startTestServer({ dataset: 10 });
    try {
      const counts: number[] = [];
      let sizes: number[] = [];
      for (const target of [server, large]) {
        const response = await gql<{ implementationMatrix: unknown[]; knowledgeSupports: { totalCount: number } }>(
          target.url,
          COORDINATOR,
        );
        expect(response.errors).toBeUndefined();
        counts.push(response.extensions!.sqlStatements!);
        sizes = [...sizes, response.data!.implementationMatrix.length];
      }
      // Ten times the knowledge support, implementations and values; one statement per level of
      // the selection either way (a level whose parents have no rows sends none).
      expect(sizes[1]).toBeGreaterThan(sizes[0]! * 5);
      for (const count of counts) expect(count).toBeLessThanOrEqual(30);
    } finally {
      await large.stop();
    }
  }, 600_000);
});

describe("knowledge gaps", () => {
  it("finds each kind of gap in the generated data, each naming what it concerns", async () => {
    const data = await ok<{
      knowledgeGaps: {
        totalCount: number;
        nodes: {
          kind: string;
          message: string;
          knowledgeSupport: { name: string; state: { state: string } };
          otherKnowledgeSupport: { kind: string } | null;
          implementation: { status: { status: string } } | null;
          region: { countyCode: string } | null;
        }[];
      };
    }>(
      `query($kind: [KnowledgeGapKind!]) { knowledgeGaps(kinds: $kind, months: 12, first: 100) { totalCount nodes {
         kind message knowledgeSupport { name state { state } } otherKnowledgeSupport { kind }
         implementation { status { status } } region { countyCode } } } }`,
    );
    const kinds = new Set(data.knowledgeGaps.nodes.map((gap) => gap.kind));
    for (const kind of [
      "PUBLISHED_WITHOUT_DECISION",
      "IMPLEMENTATION_STUCK",
      "RETIRED_STILL_IMPLEMENTED",
      "POSSIBLE_DUPLICATE",
    ]) {
      const all = await ok<{ knowledgeGaps: { nodes: typeof data.knowledgeGaps.nodes } }>(
        `query($kind: [KnowledgeGapKind!]) { knowledgeGaps(kinds: $kind, first: 20) { nodes {
           kind message knowledgeSupport { name state { state } } otherKnowledgeSupport { kind }
           implementation { status { status } } region { countyCode } } } }`,
        { kind: [kind] },
      );
      expect([kind, all.knowledgeGaps.nodes.length > 0]).toEqual([kind, true]);
      for (const gap of all.knowledgeGaps.nodes) {
        expect(gap.kind).toBe(kind);
        if (kind === "RETIRED_STILL_IMPLEMENTED") {
          expect(gap.knowledgeSupport.state.state).toBe("RETIRED");
          expect(["DECIDED", "PLANNING", "IMPLEMENTING"]).toContain(gap.implementation?.status.status);
        }
        if (kind === "IMPLEMENTATION_STUCK")
          expect(["DECIDED", "PLANNING", "IMPLEMENTING"]).toContain(gap.implementation?.status.status);
        if (kind === "PUBLISHED_WITHOUT_DECISION") expect(gap.region).not.toBeNull();
        if (kind === "POSSIBLE_DUPLICATE") expect(gap.otherKnowledgeSupport).not.toBeNull();
      }
    }
    expect(kinds.size).toBeGreaterThan(0);
    const region = await ok<{ knowledgeGaps: { nodes: { region: { countyCode: string } | null }[] } }>(
      `{ knowledgeGaps(region: "22", first: 100) { nodes { region { countyCode } } } }`,
    );
    expect(region.knowledgeGaps.nodes.length).toBeGreaterThan(0);
    for (const gap of region.knowledgeGaps.nodes) expect(gap.region?.countyCode).toBe("22");
    const bad = await gql(server.url, `{ knowledgeGaps(months: 0) { totalCount } }`);
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
  });
});

describe("tracking-sheet sync", () => {
  const SYNC = `mutation($input: SyncImplementationStatusesInput!) { syncImplementationStatuses(input: $input) {
    applied counts { created updated unchanged failed } failures { index knowledgeSupport code field message } } }`;
  type Result = {
    syncImplementationStatuses: {
      applied: boolean;
      counts: { created: number; updated: number; unchanged: number; failed: number };
      failures: { index: number; knowledgeSupport: string | null; code: string; field: string; message: string }[];
    };
  };

  it("applies a region's sheet once, then finds nothing to do; a dry run and a bad row write nothing", async () => {
    const supports = await server.prisma.knowledgeSupport.findMany({
      where: { slug: { startsWith: "gen-psykisk-halsa-" } },
      orderBy: { slug: "asc" },
    });
    const rows = supports.slice(0, 2).map((s, index) => ({
      knowledgeSupport: s.slug,
      municipalityCode: index === 0 ? "0114" : null,
      status: "IMPLEMENTING",
      from: "2026-10-01",
      decisionDate: "2026-09-01",
    }));
    const events = () => server.prisma.auditEvent.count();
    const implementations = () => server.prisma.implementation.count();
    const before = [await events(), await implementations()];

    const dry = await ok<Result>(SYNC, { input: { countyCode: "01", dryRun: true, rows } }, region01);
    expect(dry.syncImplementationStatuses.applied).toBe(false);
    expect(dry.syncImplementationStatuses.counts.failed).toBe(0);
    expect([await events(), await implementations()]).toEqual(before);

    const bad = await ok<Result>(
      SYNC,
      {
        input: {
          countyCode: "01",
          rows: [...rows, { knowledgeSupport: "no-such-support", status: "DECIDED", from: "2026-01-01" }],
        },
      },
      region01,
    );
    expect(bad.syncImplementationStatuses).toMatchObject({ applied: false, counts: { failed: 1 } });
    expect(bad.syncImplementationStatuses.failures).toEqual([
      {
        index: 2,
        knowledgeSupport: "no-such-support",
        code: "NOT_FOUND",
        field: "knowledgeSupport",
        message: "No knowledge support has the slug no-such-support",
      },
    ]);
    expect([await events(), await implementations()]).toEqual(before);

    const applied = await ok<Result>(SYNC, { input: { countyCode: "01", rows } }, region01);
    expect(applied.syncImplementationStatuses.applied).toBe(true);
    expect(applied.syncImplementationStatuses.counts.created + applied.syncImplementationStatuses.counts.updated).toBe(
      2,
    );
    expect(await events()).toBe(before[0]! + 2);

    const again = await ok<Result>(SYNC, { input: { countyCode: "01", rows } }, region01);
    expect(again.syncImplementationStatuses).toMatchObject({
      applied: true,
      counts: { created: 0, updated: 0, unchanged: 2, failed: 0 },
    });
    expect(await events()).toBe(before[0]! + 2);

    const elsewhere = await gql(server.url, SYNC, { input: { countyCode: "01", rows } }, region22);
    expect(codeOf(elsewhere)).toBe("FORBIDDEN");
    const outside = await ok<Result>(
      SYNC,
      { input: { countyCode: "01", rows: [{ ...rows[0], municipalityCode: "2281" }] } },
      region01,
    );
    expect(outside.syncImplementationStatuses.failures[0]!.message).toMatch(/not a municipality of county 01/);
    expect(outside.syncImplementationStatuses.failures[0]!.field).toBe("municipalityCode");
  });

  type Cells = Record<string, unknown>;
  /** Each bad cell of a row, with the field it must be reported on. */
  const BAD_CELLS: { field: string; label: string; change: (row: Cells) => Cells }[] = [
    { field: "knowledgeSupport", label: "missing", change: (r) => ({ ...r, knowledgeSupport: null }) },
    { field: "knowledgeSupport", label: "not a slug", change: (r) => ({ ...r, knowledgeSupport: "Vårdförlopp X" }) },
    { field: "knowledgeSupport", label: "over-long", change: (r) => ({ ...r, knowledgeSupport: "a".repeat(101) }) },
    { field: "knowledgeSupport", label: "NUL", change: (r) => ({ ...r, knowledgeSupport: "gen\u0000x" }) },
    { field: "municipalityCode", label: "three digits", change: (r) => ({ ...r, municipalityCode: "114" }) },
    { field: "municipalityCode", label: "a lone surrogate", change: (r) => ({ ...r, municipalityCode: "\ud8000" }) },
    { field: "status", label: "an unknown status", change: (r) => ({ ...r, status: "DONE" }) },
    { field: "status", label: "in lower case", change: (r) => ({ ...r, status: "implementing" }) },
    { field: "status", label: "missing", change: (r) => ({ ...r, status: null }) },
    { field: "status", label: "blank", change: (r) => ({ ...r, status: " " }) },
    { field: "from", label: "month 13", change: (r) => ({ ...r, from: "2025-13-01" }) },
    { field: "from", label: "a day that does not exist", change: (r) => ({ ...r, from: "2023-02-29" }) },
    { field: "from", label: "before year 1000", change: (r) => ({ ...r, from: "0999-12-31" }) },
    { field: "from", label: "a five-digit year", change: (r) => ({ ...r, from: "10000-01-01" }) },
    { field: "from", label: "a Swedish-Excel date", change: (r) => ({ ...r, from: "2025-01-01 00:00" }) },
    { field: "from", label: "missing", change: (r) => ({ ...r, from: null }) },
    { field: "reason", label: "NUL", change: (r) => ({ ...r, reason: "för\u0000att" }) },
    { field: "reason", label: "a lone surrogate", change: (r) => ({ ...r, reason: "a\udc00b" }) },
    { field: "reason", label: "over-long", change: (r) => ({ ...r, reason: "r".repeat(2001) }) },
    {
      field: "reason",
      label: "missing for NOT_TO_BE_IMPLEMENTED",
      change: (r) => ({ ...r, status: "NOT_TO_BE_IMPLEMENTED", reason: "  " }),
    },
    {
      field: "decisionDate",
      label: "a day that does not exist",
      change: (r) => ({ ...r, decisionDate: "2025-02-30" }),
    },
    { field: "decisionDate", label: "not a date", change: (r) => ({ ...r, decisionDate: "i höstas" }) },
  ];

  it("checks every cell of a row itself: a bad cell fails its row naming the field, never the request", async () => {
    const support = await server.prisma.knowledgeSupport.findFirstOrThrow({
      where: {
        slug: { startsWith: "gen-" },
        implementations: { none: { countyCode: "01", municipalityCode: "0180" } },
      },
      orderBy: { slug: "desc" },
    });
    const good: Cells = {
      knowledgeSupport: support.slug,
      municipalityCode: "0180",
      status: "PLANNING",
      from: "2026-11-01",
      reason: null,
      decisionDate: "",
    };
    // The good row first, then every bad one: each bad row is reported at its own index.
    const rows = [good, ...BAD_CELLS.map((bad) => bad.change(good))];
    const events = await server.prisma.auditEvent.count();
    const implementations = await server.prisma.implementation.count();
    for (const dryRun of [true, false]) {
      const response = await gql<Result>(server.url, SYNC, { input: { countyCode: "01", dryRun, rows } }, region01);
      expect(response.errors).toBeUndefined();
      const result = response.data!.syncImplementationStatuses;
      expect(result.applied).toBe(false);
      expect(result.counts).toMatchObject({ failed: BAD_CELLS.length });
      expect(result.failures.map((f) => [f.index, f.code, f.field])).toEqual(
        BAD_CELLS.map((bad, i) => [i + 1, "BAD_USER_INPUT", bad.field]),
      );
      for (const [i, failure] of result.failures.entries()) {
        expect(failure.message.length).toBeLessThan(200);
        // The slug is echoed only when the row's cell holds one.
        expect(failure.knowledgeSupport).toBe(BAD_CELLS[i]!.field === "knowledgeSupport" ? null : support.slug);
      }
    }
    expect(await server.prisma.auditEvent.count()).toBe(events);
    expect(await server.prisma.implementation.count()).toBe(implementations);

    // A row with several bad cells names each of them.
    const several = await ok<Result>(
      SYNC,
      { input: { countyCode: "01", rows: [{ ...good, status: "SOON", from: "2025-00-10", decisionDate: "x" }] } },
      region01,
    );
    expect(several.syncImplementationStatuses.counts.failed).toBe(1);
    expect(several.syncImplementationStatuses.failures.map((f) => f.field)).toEqual(["status", "from", "decisionDate"]);

    // The good row alone applies: an empty decisionDate cell is no decision.
    const alone = await ok<Result>(SYNC, { input: { countyCode: "01", rows: [good] } }, region01);
    expect(alone.syncImplementationStatuses).toMatchObject({ applied: true, counts: { created: 1, failed: 0 } });
    const created = await server.prisma.implementation.findFirstOrThrow({
      where: { knowledgeSupportId: support.id, countyCode: "01", municipalityCode: "0180" },
      include: { statuses: true },
    });
    expect(created.decisionDate).toBeNull();
    expect(created.statuses.map((s) => [s.status, s.validFrom.toISOString().slice(0, 10)])).toEqual([
      ["PLANNING", "2026-11-01"],
    ]);
  });
});
