import { gql, startTestServer, type GraphQLResponse, type TestServer } from "./support/test-server";

let server: TestServer;
let admin: Record<string, string>;
let writer: Record<string, string>;
let region22: Record<string, string>;
let region01: Record<string, string>;
let reader: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.keyHeaders(["admin"], "auditor");
  writer = await server.keyHeaders(["write"], "national-writer");
  region22 = await server.keyHeaders(["write:region:22"], "vasternorrland-hr");
  region01 = await server.keyHeaders(["write:region:01"], "stockholm-hr");
  reader = await server.keyHeaders(["read"], "intranet");
});

afterAll(() => server.stop());

type Data = Record<string, Record<string, unknown> | null>;

async function call(
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<GraphQLResponse<Data>> {
  return gql<Data>(server.url, query, variables, headers);
}

function codeOf(response: GraphQLResponse<Data>): unknown {
  return response.errors?.[0]?.extensions?.code;
}

async function idOf(slug: string): Promise<string> {
  const response = await gql<{ group: { id: string } }>(
    server.url,
    `query($slug: String!) { group(slug: $slug) { id } }`,
    { slug },
  );
  return response.data!.group.id;
}

async function organisationId(slug: string): Promise<string> {
  const response = await gql<{ search: { nodes: { id: string; slug: string }[] } }>(
    server.url,
    `query($q: String!) { search(query: $q, kinds: [ORGANISATION], first: 20) { nodes { ... on Organisation { id slug } } } }`,
    { q: slug.replace(/-/g, " ") },
  );
  const found = response.data?.search.nodes.find((node) => node.slug === slug);
  if (found) return found.id;
  const row = await server.prisma.organisation.findUniqueOrThrow({ where: { slug } });
  return Buffer.from(`Organisation:${row.id}`).toString("base64url");
}

const CREATE_PERSON = `mutation($input: CreatePersonInput!) { createPerson(input: $input) { id name hsaId version } }`;
const UPDATE_PERSON = `mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { id givenName familyName version } }`;
const CREATE_MEMBERSHIP = `mutation($input: CreateMembershipInput!) { createMembership(input: $input) { id role validFrom validTo version representing { slug } } }`;
const END_MEMBERSHIP = `mutation($input: EndMembershipInput!) { endMembership(input: $input) { id validTo version } }`;
const CREATE_GROUP = `mutation($input: CreateGroupInput!) { createGroup(input: $input) { id slug kind level version ... on WorkingGroup { parent { slug } } } }`;

function databaseId(globalId: string): string {
  return Buffer.from(globalId, "base64url").toString("utf8").split(":")[1]!;
}

let personCounter = 0;
async function newPerson(headers = writer): Promise<string> {
  personCounter += 1;
  const response = await call(
    CREATE_PERSON,
    {
      input: {
        givenName: "Test",
        familyName: `Person ${personCounter}`,
        hsaId: `SE2321000180-T${String(personCounter).padStart(6, "0")}`,
      },
    },
    headers,
  );
  return response.data!.createPerson!.id as string;
}

describe("who may write", () => {
  it("refuses anonymous callers with UNAUTHENTICATED and read-only keys with FORBIDDEN", async () => {
    const input = { givenName: "Ada", familyName: "Anonym" };
    const anonymous = await call(CREATE_PERSON, { input }, {});
    expect(codeOf(anonymous)).toBe("UNAUTHENTICATED");
    const readOnly = await call(CREATE_PERSON, { input }, reader);
    expect(codeOf(readOnly)).toBe("FORBIDDEN");
    expect(readOnly.errors?.[0]?.message).toContain("intranet");
    expect(await server.prisma.person.count({ where: { familyName: "Anonym" } })).toBe(0);
  });

  it("lets a region's key change only that region's groups", async () => {
    const lpo = await idOf("lpo-22-psykisk-halsa");
    const input = {
      slug: "lag-22-psykisk-halsa-test-region",
      kind: "LAG",
      name: "LAG Psykisk hälsa – test",
      parent: lpo,
    };
    const other = await call(CREATE_GROUP, { input }, region01);
    expect(codeOf(other)).toBe("FORBIDDEN");
    expect(other.errors?.[0]?.extensions?.requiredScopes).toEqual(["write:region:22"]);
    const own = await call(CREATE_GROUP, { input }, region22);
    expect(own.errors).toBeUndefined();
    expect(own.data?.createGroup).toMatchObject({
      slug: input.slug,
      kind: "LAG",
      level: "REGIONAL",
      parent: { slug: "lpo-22-psykisk-halsa" },
    });
    const national = await call(
      CREATE_GROUP,
      { input: { slug: "nag-test-region-key", kind: "NAG", name: "NAG test", parent: await idOf("psykisk-halsa") } },
      region22,
    );
    expect(codeOf(national)).toBe("FORBIDDEN");
  });
});

describe("people", () => {
  it("validates input and names the field", async () => {
    const response = await call(
      CREATE_PERSON,
      { input: { givenName: " ", familyName: "Berg", hsaId: "12345" } },
      writer,
    );
    expect(codeOf(response)).toBe("BAD_USER_INPUT");
    const paths = (response.errors?.[0]?.extensions?.fields as { path: string }[]).map((field) => field.path);
    expect(paths).toEqual(expect.arrayContaining(["input.givenName", "input.hsaId"]));
    const halfKey = await call(
      CREATE_PERSON,
      { input: { givenName: "Eva", familyName: "Berg", sourceSystem: "hr" } },
      writer,
    );
    expect(codeOf(halfKey)).toBe("BAD_USER_INPUT");
    expect(halfKey.errors?.[0]?.extensions?.fields).toEqual([expect.objectContaining({ path: "input.externalId" })]);
  });

  it("reports a taken HSA-id as CONFLICT naming the person who has it", async () => {
    const first = await call(
      CREATE_PERSON,
      { input: { givenName: "Karin", familyName: "Lund", hsaId: "SE2321000180-K000000000001" } },
      writer,
    );
    const second = await call(
      CREATE_PERSON,
      { input: { givenName: "Kari", familyName: "Lund", hsaId: "SE2321000180-K000000000001" } },
      writer,
    );
    expect(codeOf(second)).toBe("CONFLICT");
    expect(second.errors?.[0]?.extensions?.existing).toMatchObject({
      type: "Person",
      id: first.data!.createPerson!.id,
      name: "Karin Lund",
    });
  });

  it("updates with optimistic concurrency: a stale expectedVersion is CONFLICT and changes nothing", async () => {
    const id = await newPerson();
    const renamed = await call(UPDATE_PERSON, { input: { id, expectedVersion: 1, familyName: "Nyberg" } }, writer);
    expect(renamed.data?.updatePerson).toMatchObject({ familyName: "Nyberg", version: 2 });
    const stale = await call(UPDATE_PERSON, { input: { id, expectedVersion: 1, familyName: "Gammal" } }, writer);
    expect(codeOf(stale)).toBe("CONFLICT");
    expect(stale.errors?.[0]?.extensions).toMatchObject({ currentVersion: 2, expectedVersion: 1 });
    const cleared = await call(UPDATE_PERSON, { input: { id, givenName: null } }, writer);
    expect(cleared.errors?.[0]?.extensions?.fields).toEqual([expect.objectContaining({ path: "input.givenName" })]);
    const unchanged = await call(UPDATE_PERSON, { input: { id, familyName: "Nyberg" } }, writer);
    expect(unchanged.data?.updatePerson).toMatchObject({ version: 2 });
  });
});

describe("memberships", () => {
  it("checks the role against the group's kind, the organisation against its place, and the period", async () => {
    const person = await newPerson();
    const lpo = await idOf("lpo-22-psykisk-halsa");
    const lag = (
      await call(
        CREATE_GROUP,
        { input: { slug: "lag-22-psykisk-halsa-roles", kind: "LAG", name: "LAG roller", parent: lpo } },
        writer,
      )
    ).data!.createGroup!.id;
    const base = { person, group: lpo, role: "MEMBER", validFrom: "2025-01-01" };
    const cases: [Record<string, unknown>, string][] = [
      [{ group: lag, role: "PROCESS_LEADER" }, "input.role"],
      [{ representing: await organisationId("sjukvardsregion-norra") }, "input.representing"],
      [{ representing: await organisationId("kommun-0180") }, "input.representing"],
      [{ representing: await organisationId("socialstyrelsen") }, "input.representing"],
      [{ validTo: "2024-12-31" }, "input.validTo"],
    ];
    for (const [change, path] of cases) {
      const response = await call(CREATE_MEMBERSHIP, { input: { ...base, ...change } }, writer);
      expect(codeOf(response)).toBe("BAD_USER_INPUT");
      expect(response.errors?.[0]?.extensions?.fields).toEqual([expect.objectContaining({ path })]);
    }
    const fine = await call(
      CREATE_MEMBERSHIP,
      { input: { ...base, representing: await organisationId("kommun-2281") } },
      writer,
    );
    expect(fine.errors).toBeUndefined();
    expect(fine.data?.createMembership).toMatchObject({
      role: "MEMBER",
      representing: { slug: "kommun-2281" },
      version: 1,
    });
  });

  it("keeps one chair at a time and one seat per person and role, naming the existing membership", async () => {
    const group = await idOf("lpo-22-akut-vard");
    const [first, second] = [await newPerson(), await newPerson()];
    const chair = await call(
      CREATE_MEMBERSHIP,
      { input: { person: first, group, role: "CHAIR", validFrom: "2024-01-01" } },
      writer,
    );
    expect(chair.errors).toBeUndefined();
    const secondChair = await call(
      CREATE_MEMBERSHIP,
      { input: { person: second, group, role: "CHAIR", validFrom: "2025-06-01" } },
      writer,
    );
    expect(codeOf(secondChair)).toBe("CONFLICT");
    expect(secondChair.errors?.[0]?.extensions?.existing).toMatchObject({
      type: "Membership",
      id: chair.data!.createMembership!.id,
      role: "CHAIR",
    });
    const twice = await call(
      CREATE_MEMBERSHIP,
      { input: { person: first, group, role: "CHAIR", validFrom: "2024-06-01" } },
      writer,
    );
    expect(codeOf(twice)).toBe("CONFLICT");

    // Ending the first term makes room for the next chair; the ended one is kept.
    const ended = await call(
      END_MEMBERSHIP,
      { input: { id: chair.data!.createMembership!.id, expectedVersion: 1, validTo: "2025-05-31" } },
      writer,
    );
    expect(ended.data?.endMembership).toMatchObject({ validTo: "2025-05-31", version: 2 });
    const next = await call(
      CREATE_MEMBERSHIP,
      { input: { person: second, group, role: "CHAIR", validFrom: "2025-06-01" } },
      writer,
    );
    expect(next.errors).toBeUndefined();
    const again = await call(
      END_MEMBERSHIP,
      { input: { id: chair.data!.createMembership!.id, validTo: "2025-05-31" } },
      writer,
    );
    expect(codeOf(again)).toBe("CONFLICT");
    const history = await gql<{ group: { members: { totalCount: number } } }>(
      server.url,
      `{ group(slug: "lpo-22-akut-vard") { members(activeOn: null, role: CHAIR) { totalCount } } }`,
    );
    expect(history.data?.group.members.totalCount).toBe(2);
  });

  it("keeps memberships of a dissolved group within its life: none may start after or run past its last day", async () => {
    const lpo = await idOf("lpo-22-psykisk-halsa");
    const lag = (
      await call(
        CREATE_GROUP,
        {
          input: {
            slug: "lag-22-upplost",
            kind: "LAG",
            name: "LAG som upplöses",
            parent: lpo,
            validFrom: "2020-01-01",
          },
        },
        writer,
      )
    ).data!.createGroup!.id as string;
    const dissolved = await call(
      `mutation($input: DissolveGroupInput!) { dissolveGroup(input: $input) { validTo } }`,
      { input: { id: lag, validTo: "2025-06-30" } },
      writer,
    );
    expect(dissolved.errors).toBeUndefined();
    const person = await newPerson();
    const base = { person, group: lag, role: "MEMBER", validFrom: "2025-01-01" };
    for (const [period, path] of [
      [{ validTo: null }, "input.validTo"],
      [{ validTo: "2025-07-01" }, "input.validTo"],
      [{ validTo: "2026-12-31" }, "input.validTo"],
      [{ validFrom: "2025-07-01" }, "input.validFrom"],
      [{ validFrom: "2025-07-01", validTo: "2025-08-01" }, "input.validFrom"],
    ] as const) {
      for (const headers of [writer, region22]) {
        const response = await call(CREATE_MEMBERSHIP, { input: { ...base, ...period } }, headers);
        expect(codeOf(response)).toBe("BAD_USER_INPUT");
        expect(response.errors?.[0]?.extensions?.fields).toEqual([expect.objectContaining({ path })]);
      }
    }
    const within = await call(CREATE_MEMBERSHIP, { input: { ...base, validTo: "2025-06-30" } }, writer);
    expect(within.errors).toBeUndefined();
    const id = within.data!.createMembership!.id as string;

    const UPDATE = `mutation($input: UpdateMembershipInput!) { updateMembership(input: $input) { validTo } }`;
    for (const validTo of [null, "2025-07-01"]) {
      const response = await call(UPDATE, { input: { id, validTo } }, writer);
      expect(codeOf(response)).toBe("BAD_USER_INPUT");
      expect(response.errors?.[0]?.extensions?.fields).toEqual([expect.objectContaining({ path: "input.validTo" })]);
    }
    expect((await call(UPDATE, { input: { id, validTo: "2025-05-31" } }, writer)).data?.updateMembership).toEqual({
      validTo: "2025-05-31",
    });
    const runsOn = await call(END_MEMBERSHIP, { input: { id, validTo: "2025-12-31" } }, writer);
    expect(codeOf(runsOn)).toBe("CONFLICT");
    expect(
      (await server.prisma.membership.findMany({ where: { groupId: databaseId(lag) } })).map((m) =>
        m.validTo?.toISOString().slice(0, 10),
      ),
    ).toEqual(["2025-05-31"]);
  });

  it("ends a running membership of a dissolved group on the group's last day by default", async () => {
    const lpo = await idOf("lpo-22-psykisk-halsa");
    const lag = (
      await call(
        CREATE_GROUP,
        {
          input: {
            slug: "lag-22-upplost-senare",
            kind: "LAG",
            name: "LAG med kvarglömd ledamot",
            parent: lpo,
            validFrom: "2020-01-01",
          },
        },
        writer,
      )
    ).data!.createGroup!.id as string;
    expect(
      (
        await call(
          `mutation($input: DissolveGroupInput!) { dissolveGroup(input: $input) { validTo } }`,
          { input: { id: lag, validTo: "2025-06-30" } },
          writer,
        )
      ).errors,
    ).toBeUndefined();
    // A membership left running past the last day, as imports and older data may hold.
    const [row] = await server.prisma.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO "membership" ("person_id", "group_id", "role", "valid_from") VALUES ($1::uuid, $2::uuid, 'MEMBER', '2025-01-01') RETURNING "id"`,
      databaseId(await newPerson()),
      databaseId(lag),
    );
    const ended = await call(
      END_MEMBERSHIP,
      { input: { id: Buffer.from(`Membership:${row!.id}`).toString("base64url") } },
      writer,
    );
    expect(ended.errors).toBeUndefined();
    expect(ended.data?.endMembership).toMatchObject({ validTo: "2025-06-30" });
  });

  it("turns a unique membership key taken in the source system into CONFLICT", async () => {
    const person = await newPerson();
    const group = await idOf("lpo-22-cancersjukdomar");
    const input = { person, group, role: "MEMBER", validFrom: "2025-01-01", sourceSystem: "hr-22", externalId: "m-1" };
    expect((await call(CREATE_MEMBERSHIP, { input }, writer)).errors).toBeUndefined();
    const again = await call(CREATE_MEMBERSHIP, { input: { ...input, role: "SECRETARY" } }, writer);
    expect(codeOf(again)).toBe("CONFLICT");
  });
});

describe("groups and organisations", () => {
  it("derives a working group's place from its parent and refuses what does not fit its kind", async () => {
    const missingParent = await call(
      CREATE_GROUP,
      { input: { slug: "lag-without-parent", kind: "LAG", name: "LAG utan LPO" } },
      writer,
    );
    expect(missingParent.errors?.[0]?.extensions?.fields).toEqual([expect.objectContaining({ path: "input.parent" })]);
    const wrongParent = await call(
      CREATE_GROUP,
      { input: { slug: "rag-under-lpo", kind: "RAG", name: "RAG", parent: await idOf("lpo-22-psykisk-halsa") } },
      writer,
    );
    expect(wrongParent.errors?.[0]?.extensions?.fields).toEqual([expect.objectContaining({ path: "input.parent" })]);
    const badSlug = await call(CREATE_GROUP, { input: { slug: "Not A Slug", kind: "NSG", name: "x" } }, writer);
    expect(badSlug.errors?.[0]?.extensions?.fields).toEqual([expect.objectContaining({ path: "input.slug" })]);
    const taken = await call(
      CREATE_GROUP,
      { input: { slug: "lpo-22-psykisk-halsa", kind: "LPO", name: "dubblett", countyCode: "22" } },
      writer,
    );
    expect(codeOf(taken)).toBe("CONFLICT");
    expect(taken.errors?.[0]?.extensions?.existing).toMatchObject({
      slug: "lpo-22-psykisk-halsa",
      type: "LocalProgramArea",
    });
    const twinRpo = await call(
      CREATE_GROUP,
      {
        input: {
          slug: "rpo-norra-psykisk-halsa-2",
          kind: "RPO",
          name: "RPO",
          programArea: await idOf("psykisk-halsa"),
          healthcareRegion: "norra",
        },
      },
      writer,
    );
    expect(codeOf(twinRpo)).toBe("CONFLICT");
  });

  it("renames a group keeping the former name, and dissolves it with its working groups and memberships", async () => {
    const lpoSlug = "lpo-22-levnadsvanor";
    const lpo = await idOf(lpoSlug);
    const lag = (
      await call(
        CREATE_GROUP,
        { input: { slug: "lag-22-levnadsvanor-test", kind: "LAG", name: "LAG levnadsvanor", parent: lpo } },
        region22,
      )
    ).data!.createGroup!;
    const member = await call(
      CREATE_MEMBERSHIP,
      { input: { person: await newPerson(), group: lag.id, role: "MEMBER", validFrom: "2024-01-01" } },
      region22,
    );
    expect(member.errors).toBeUndefined();

    const renamed = await call(
      `mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { name version otherNames { kind name } } }`,
      { input: { id: lag.id, expectedVersion: 1, name: "LAG Levnadsvanor och hälsa" } },
      region22,
    );
    expect(renamed.data?.updateGroup).toMatchObject({
      name: "LAG Levnadsvanor och hälsa",
      version: 2,
      otherNames: [{ kind: "FORMER", name: "LAG levnadsvanor" }],
    });

    const stale = await call(
      `mutation($input: DissolveGroupInput!) { dissolveGroup(input: $input) { validTo } }`,
      { input: { id: lpo, expectedVersion: 99 } },
      region22,
    );
    expect(codeOf(stale)).toBe("CONFLICT");
    const dissolved = await call(
      `mutation($input: DissolveGroupInput!) { dissolveGroup(input: $input) { validTo version } }`,
      { input: { id: lpo, validTo: "2025-12-31" } },
      region22,
    );
    expect(dissolved.errors).toBeUndefined();
    expect(dissolved.data?.dissolveGroup).toMatchObject({ validTo: "2025-12-31" });
    const lagRow = await server.prisma.group.findUniqueOrThrow({ where: { slug: "lag-22-levnadsvanor-test" } });
    expect(lagRow.validTo?.toISOString().slice(0, 10)).toBe("2025-12-31");
    const membership = await server.prisma.membership.findFirstOrThrow({ where: { groupId: lagRow.id } });
    expect(membership.validTo?.toISOString().slice(0, 10)).toBe("2025-12-31");
    const again = await call(
      `mutation($input: DissolveGroupInput!) { dissolveGroup(input: $input) { validTo } }`,
      { input: { id: lpo, validTo: "2025-12-31" } },
      region22,
    );
    expect(codeOf(again)).toBe("CONFLICT");
  });

  it("creates and updates organisations, not geographic ones", async () => {
    const create = `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id slug version } }`;
    const geographic = await call(
      create,
      { input: { slug: "kommun-9999", kind: "MUNICIPALITY", name: "Ny kommun" } },
      writer,
    );
    expect(geographic.errors?.[0]?.extensions?.fields).toEqual([expect.objectContaining({ path: "input.kind" })]);
    const association = await call(
      create,
      {
        input: {
          slug: "kommunforbundet-test-22",
          kind: "MUNICIPAL_ASSOCIATION",
          name: "Kommunförbundet Test",
          countyCode: "22",
        },
      },
      region22,
    );
    expect(association.errors).toBeUndefined();
    const outside = await call(
      create,
      {
        input: { slug: "kommunforbundet-test-01", kind: "MUNICIPAL_ASSOCIATION", name: "Förbundet", countyCode: "01" },
      },
      region22,
    );
    expect(codeOf(outside)).toBe("FORBIDDEN");
    const duplicate = await call(
      create,
      { input: { slug: "kommunforbundet-test-22", kind: "OTHER", name: "Dubblett" } },
      writer,
    );
    expect(codeOf(duplicate)).toBe("CONFLICT");
    const updated = await call(
      `mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { shortName version } }`,
      { input: { id: association.data!.createOrganisation!.id, expectedVersion: 1, shortName: "KFT" } },
      region22,
    );
    expect(updated.data?.updateOrganisation).toEqual({ shortName: "KFT", version: 2 });
  });
});

describe("audit trail and change feed", () => {
  const AUDIT = `query($entity: ID, $after: String) { auditEvents(entity: $entity, first: 50, after: $after) { totalCount nodes { sequence actor requestId action entity entityId version changes { field before after } } } }`;

  it("records who changed what, when, in which request, with before and after; only for admins", async () => {
    const id = await newPerson();
    await gql(
      server.url,
      UPDATE_PERSON,
      { input: { id, familyName: "Ändrad" } },
      { ...writer, "x-request-id": "req-audit-1" },
    );
    expect(codeOf(await call(AUDIT, { entity: id }, writer))).toBe("FORBIDDEN");
    expect(codeOf(await call(AUDIT, { entity: id }, {}))).toBe("UNAUTHENTICATED");
    const trail = await call(AUDIT, { entity: id }, admin);
    const events = (trail.data!.auditEvents as { nodes: Record<string, unknown>[] }).nodes;
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      action: "CREATED",
      entity: "PERSON",
      entityId: id,
      actor: "national-writer",
      version: 1,
    });
    expect(events[1]).toMatchObject({
      action: "UPDATED",
      actor: "national-writer",
      requestId: "req-audit-1",
      version: 2,
      changes: [{ field: "familyName", before: expect.stringMatching(/^Person/), after: "Ändrad" }],
    });
  });

  it("feeds changes in commit order from a cursor, ended memberships included, without repeats", async () => {
    const FEED = `query($since: String) { changes(since: $since, first: 1000) { cursor hasMore changes { sequence entity action id recordId node { id ... on Membership { validTo } } } } }`;
    type Feed = {
      cursor: string;
      hasMore: boolean;
      changes: {
        sequence: string;
        entity: string;
        action: string;
        id: string;
        recordId: string;
        node: { id: string; validTo?: string | null } | null;
      }[];
    };
    const read = async (since: string | null) =>
      (await gql<{ changes: Feed }>(server.url, FEED, { since })).data!.changes;
    let feed = await read(null);
    const seen: string[] = feed.changes.map((change) => change.sequence);
    while (feed.hasMore) {
      feed = await read(feed.cursor);
      seen.push(...feed.changes.map((change) => change.sequence));
    }
    const head = feed.cursor;
    expect((await read(head)).changes).toEqual([]);
    expect((await read(head)).cursor).toBe(head);

    const person = await newPerson();
    const group = await idOf("lpo-22-barn-och-ungdomars-halsa");
    const created = await call(
      CREATE_MEMBERSHIP,
      { input: { person, group, role: "MEMBER", validFrom: "2024-01-01" } },
      writer,
    );
    const membershipId = created.data!.createMembership!.id;
    await call(END_MEMBERSHIP, { input: { id: membershipId } }, writer);
    const next = await read(head);
    expect(next.changes.map((change) => [change.entity, change.action])).toEqual([
      ["PERSON", "CREATED"],
      ["MEMBERSHIP", "CREATED"],
      ["MEMBERSHIP", "ENDED"],
    ]);
    expect(next.changes[2]).toMatchObject({
      recordId: membershipId,
      node: { id: membershipId, validTo: expect.any(String) },
    });
    // Each change is its own object for normalising clients: two changes of one record differ in
    // `id` and share `recordId`, and no change's id is a record's id.
    const [membershipCreated, membershipEnded] = [next.changes[1]!, next.changes[2]!];
    expect(membershipCreated.recordId).toBe(membershipEnded.recordId);
    expect(membershipCreated.id).not.toBe(membershipEnded.id);
    expect(next.changes.map((change) => change.id)).not.toContain(membershipId);
    expect(next.changes.map((change) => change.id)).not.toContain(person);
    expect(new Set(next.changes.map((change) => change.id)).size).toBe(3);
    // A change's id stays the same when the feed is read again.
    expect((await read(head)).changes.map((change) => change.id)).toEqual(next.changes.map((change) => change.id));
    const sequences = [...seen, ...next.changes.map((change) => change.sequence)].map(Number);
    expect(new Set(sequences).size).toBe(sequences.length);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);

    const bad = await gql(server.url, FEED, { since: "not-a-cursor" });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
