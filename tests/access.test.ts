import { createApiKey, revokeApiKey } from "../src/access/api-keys";
import { applicationSchema, registryOf } from "../src/app";
import { matrixGaps, scopeDeclared } from "./support/access-matrix";
import { gql, startTestServer, type GraphQLResponse, type TestServer } from "./support/test-server";

let server: TestServer;
const callers = ["anonymous", "read", "write:region:22", "write:region:01", "write", "admin"] as const;
type CallerName = (typeof callers)[number];
const headers = {} as Record<CallerName, Record<string, string>>;
let writer: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer();
  headers.anonymous = {};
  for (const name of callers.slice(1))
    headers[name] = await server.keyHeaders([name], `matrix-${name.replace(/:/g, "-")}`);
  writer = headers.write;
});

afterAll(() => server.stop());

type Data = Record<string, Record<string, unknown> | null>;
const call = (query: string, variables: Record<string, unknown>, as: Record<string, string>) =>
  gql<Data>(server.url, query, variables, as);
const codeOf = (response: GraphQLResponse<Data>) => response.errors?.[0]?.extensions?.code as string | undefined;
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64url");

async function groupId(slug: string): Promise<string> {
  const group = await server.prisma.group.findUniqueOrThrow({ where: { slug } });
  const type = { NPO: "NationalProgramArea", RPO: "RegionalProgramArea", LPO: "LocalProgramArea", LAG: "WorkingGroup" }[
    group.kind as "NPO" | "RPO" | "LPO" | "LAG"
  ];
  return globalId(type, group.id);
}

let serial = 0;
const unique = (caller: CallerName) => `${caller.replace(/[^a-z0-9]+/g, "-")}-${++serial}`;

async function create(query: string, input: Record<string, unknown>): Promise<string> {
  const response = await call(query, { input }, writer);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return Object.values(response.data!)[0]!.id as string;
}

const CREATE_PERSON = `mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }`;
const CREATE_MEMBERSHIP = `mutation($input: CreateMembershipInput!) { createMembership(input: $input) { id } }`;
const CREATE_GROUP = `mutation($input: CreateGroupInput!) { createGroup(input: $input) { id } }`;
const CREATE_ORGANISATION = `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id } }`;

/** A person with a membership in each of the given groups: a fresh target for each call. */
async function personIn(
  caller: CallerName,
  groups: string[],
): Promise<{ person: string; membership: string | undefined }> {
  const person = await create(CREATE_PERSON, { givenName: "Matris", familyName: unique(caller) });
  const memberships: string[] = [];
  for (const slug of groups)
    memberships.push(
      await create(CREATE_MEMBERSHIP, { person, group: await groupId(slug), role: "MEMBER", validFrom: "2024-01-01" }),
    );
  return { person, membership: memberships[0] };
}

const region22Membership = async (caller: CallerName) => personIn(caller, ["lpo-22-psykisk-halsa"]);

async function organisationId(slug: string): Promise<string> {
  return globalId("Organisation", (await server.prisma.organisation.findUniqueOrThrow({ where: { slug } })).id);
}

const UPDATE_PERSON = `mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { id } }`;
const UPDATE_ORGANISATION = `mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { id } }`;
const SYNC = `mutation($input: SyncMembershipsInput!) { syncMemberships(input: $input) { applied } }`;
const START_SYNC = `mutation($input: SyncMembershipsInput!) { startMembershipSync(input: $input) { id } }`;
const OPEN_SYNC = `mutation($input: SyncMembershipsInput!) { openMembershipSync(input: $input) { id } }`;
const ADD_SYNC_ROWS = `mutation($input: AddSyncRowsInput!) { addMembershipSyncRows(input: $input) { id } }`;
const START_OPENED_SYNC = `mutation($input: ID!) { startOpenedMembershipSync(id: $input) { id } }`;

/**
 * A run of region 22's group opened for the caller: by the caller's own key where it may open one
 * (a run takes chunks and starts only for the key that opened it), else by region 22's key.
 */
async function openedRun(caller: CallerName): Promise<string> {
  const opener = caller === "write" || caller === "write:region:22" ? caller : "write:region:22";
  const opened = await call(
    OPEN_SYNC,
    {
      input: {
        sourceSystem: `hr-${unique(caller)}`,
        scope: { groups: ["lpo-22-psykisk-halsa"] },
        dryRun: true,
        memberships: [],
      },
    },
    headers[opener],
  );
  return String(opened.data!.openMembershipSync!.id);
}

/**
 * Each mutation with a target, and who owns the target: a region's county code (that region's key
 * may change it), null (only a `write` key may), or "anyone" (any key with a write scope).
 */
const MUTATIONS: Record<
  string,
  {
    query: string;
    /** The `$input` variable: an input object, or an id. */
    input: (caller: CallerName) => Promise<Record<string, unknown> | string>;
    owner: "22" | "01" | null | "anyone";
  }
> = {
  createPerson: {
    query: CREATE_PERSON,
    owner: "anyone",
    input: async (caller) => ({
      givenName: "Ny",
      familyName: unique(caller),
      title: "Sjuksköterska",
      email: "ny@example.se",
      phone: "060-100 00",
    }),
  },
  "createPerson (with an HSA-id)": {
    query: CREATE_PERSON,
    owner: null,
    input: async (caller) => ({ givenName: "Ny", familyName: unique(caller), hsaId: `SE2321000180-M${++serial}` }),
  },
  "createPerson (with a source-system key)": {
    query: CREATE_PERSON,
    owner: null,
    input: async (caller) => ({
      givenName: "Ny",
      familyName: unique(caller),
      sourceSystem: "hr-matrix",
      externalId: unique(caller),
    }),
  },
  updatePerson: {
    query: UPDATE_PERSON,
    owner: "22",
    input: async (caller) => ({
      id: (await region22Membership(caller)).person,
      title: "Överläkare",
      email: "matris@rvn.se",
    }),
  },
  "updatePerson (HSA-id of one of its people)": {
    query: UPDATE_PERSON,
    owner: "22",
    input: async (caller) => ({ id: (await region22Membership(caller)).person, hsaId: `SE2321000180-U${++serial}` }),
  },
  "updatePerson (a person in no group)": {
    query: UPDATE_PERSON,
    owner: null,
    input: async (caller) => ({ id: (await personIn(caller, [])).person, givenName: "Omdöpt" }),
  },
  "updatePerson (a person also in a national group)": {
    query: UPDATE_PERSON,
    owner: null,
    input: async (caller) => ({
      id: (await personIn(caller, ["lpo-22-psykisk-halsa", "psykisk-halsa"])).person,
      givenName: "Omdöpt",
    }),
  },
  "updatePerson (a person also in a healthcare region's group)": {
    query: UPDATE_PERSON,
    owner: null,
    input: async (caller) => ({
      id: (await personIn(caller, ["lpo-22-psykisk-halsa", "rpo-norra-psykisk-halsa"])).person,
      email: "annan@example.se",
    }),
  },
  "updatePerson (a person of region 01)": {
    query: UPDATE_PERSON,
    owner: "01",
    input: async (caller) => ({ id: (await personIn(caller, ["lpo-01-psykisk-halsa"])).person, givenName: "Omdöpt" }),
  },
  createMembership: {
    query: CREATE_MEMBERSHIP,
    owner: "22",
    input: async (caller) => ({
      person: await create(CREATE_PERSON, { givenName: "M", familyName: unique(caller) }),
      group: await groupId("lpo-22-psykisk-halsa"),
      role: "MEMBER",
      validFrom: "2024-01-01",
    }),
  },
  updateMembership: {
    query: `mutation($input: UpdateMembershipInput!) { updateMembership(input: $input) { id } }`,
    owner: "22",
    input: async (caller) => ({ id: (await region22Membership(caller)).membership, role: "SECRETARY" }),
  },
  endMembership: {
    query: `mutation($input: EndMembershipInput!) { endMembership(input: $input) { id } }`,
    owner: "22",
    input: async (caller) => ({ id: (await region22Membership(caller)).membership }),
  },
  createGroup: {
    query: CREATE_GROUP,
    owner: "22",
    input: async (caller) => ({
      slug: `lag-22-${unique(caller)}`,
      kind: "LAG",
      name: "LAG matris",
      parent: await groupId("lpo-22-psykisk-halsa"),
    }),
  },
  updateGroup: {
    query: `mutation($input: UpdateGroupInput!) { updateGroup(input: $input) { id } }`,
    owner: "22",
    input: async (caller) => ({ id: await groupId("lpo-22-psykisk-halsa"), note: `note ${unique(caller)}` }),
  },
  dissolveGroup: {
    query: `mutation($input: DissolveGroupInput!) { dissolveGroup(input: $input) { id } }`,
    owner: "22",
    input: async (caller) => ({
      id: await create(CREATE_GROUP, {
        slug: `lag-22-${unique(caller)}`,
        kind: "LAG",
        name: "LAG att upplösa",
        parent: await groupId("lpo-22-psykisk-halsa"),
      }),
    }),
  },
  createOrganisation: {
    query: CREATE_ORGANISATION,
    owner: "22",
    input: async (caller) => ({
      slug: `forening-${unique(caller)}`,
      kind: "PATIENT_ORGANISATION",
      name: "Förening",
      countyCode: "22",
    }),
  },
  updateOrganisation: {
    query: UPDATE_ORGANISATION,
    owner: "22",
    input: async (caller) => ({
      id: await create(CREATE_ORGANISATION, {
        slug: `forening-${unique(caller)}`,
        kind: "PATIENT_ORGANISATION",
        name: "Förening",
        countyCode: "22",
      }),
      shortName: "F",
    }),
  },
  "updateOrganisation (its own region's REGION organisation)": {
    query: UPDATE_ORGANISATION,
    owner: null,
    input: async (caller) => ({ id: await organisationId("region-vasternorrland"), note: `note ${unique(caller)}` }),
  },
  "updateOrganisation (a municipality of its county)": {
    query: UPDATE_ORGANISATION,
    owner: null,
    input: async (caller) => ({ id: await organisationId("kommun-2281"), name: `Sundsvalls kommun ${unique(caller)}` }),
  },
  "updateOrganisation (its healthcare region)": {
    query: UPDATE_ORGANISATION,
    owner: null,
    input: async (caller) => ({ id: await organisationId("sjukvardsregion-norra"), note: `note ${unique(caller)}` }),
  },
  syncMemberships: {
    query: SYNC,
    owner: "22",
    input: async (caller) => ({
      sourceSystem: `hr-${unique(caller)}`,
      scope: { groups: ["lpo-22-psykisk-halsa"] },
      memberships: [],
    }),
  },
  "syncMemberships (scope of two regions)": {
    query: SYNC,
    owner: null,
    input: async (caller) => ({
      sourceSystem: `hr-${unique(caller)}`,
      scope: { groups: ["lpo-22-psykisk-halsa", "lpo-01-psykisk-halsa"] },
      memberships: [],
    }),
  },
  startMembershipSync: {
    query: START_SYNC,
    owner: "22",
    input: async (caller) => ({
      sourceSystem: `hr-${unique(caller)}`,
      scope: { groups: ["lpo-22-psykisk-halsa"] },
      memberships: [],
    }),
  },
  openMembershipSync: {
    query: OPEN_SYNC,
    owner: "22",
    input: async (caller) => ({
      sourceSystem: `hr-${unique(caller)}`,
      scope: { groups: ["lpo-22-psykisk-halsa"] },
      memberships: [],
    }),
  },
  addMembershipSyncRows: {
    query: ADD_SYNC_ROWS,
    owner: "22",
    input: async (caller) => ({
      runId: await openedRun(caller),
      offset: 0,
      memberships: [{ externalId: "row-1", group: "lpo-22-psykisk-halsa", role: "MEMBER", validFrom: "2024-03-01" }],
    }),
  },
  startOpenedMembershipSync: {
    query: START_OPENED_SYNC,
    owner: "22",
    input: openedRun,
  },
  "startMembershipSync (scope of two regions)": {
    query: START_SYNC,
    owner: null,
    input: async (caller) => ({
      sourceSystem: `hr-${unique(caller)}`,
      scope: { groups: ["lpo-22-psykisk-halsa", "lpo-01-psykisk-halsa"] },
      memberships: [],
    }),
  },
};

const CREATE_KNOWLEDGE_SUPPORT = `mutation($input: CreateKnowledgeSupportInput!) { createKnowledgeSupport(input: $input) { id } }`;
const CREATE_IMPLEMENTATION = `mutation($input: CreateImplementationInput!) { createImplementation(input: $input) { id } }`;
const CREATE_FOLLOW_UP = `mutation($input: CreateFollowUpInput!) { createFollowUp(input: $input) { id } }`;

/** A fresh knowledge support owned by NPO psykisk hälsa, made with `write`. */
async function knowledgeSupport(caller: CallerName): Promise<string> {
  const npo = await server.prisma.group.findUniqueOrThrow({ where: { slug: "psykisk-halsa" } });
  return create(CREATE_KNOWLEDGE_SUPPORT, {
    slug: `matris-${unique(caller)}`,
    name: `Matris ${unique(caller)}`,
    kind: "CARE_PATHWAY",
    ownerGroup: globalId("NationalProgramArea", npo.id),
    state: { state: "PUBLISHED", from: "2024-01-01" },
  });
}

/** A fresh implementation in a region, made with `write`. */
async function implementationIn(caller: CallerName, countyCode: string): Promise<string> {
  return create(CREATE_IMPLEMENTATION, {
    knowledgeSupport: await knowledgeSupport(caller),
    countyCode,
    status: { status: "DECIDED", from: "2024-03-01" },
  });
}

Object.assign(MUTATIONS, {
  createKnowledgeSupport: {
    query: CREATE_KNOWLEDGE_SUPPORT,
    owner: null,
    input: async (caller: CallerName) => {
      const npo = await server.prisma.group.findUniqueOrThrow({ where: { slug: "psykisk-halsa" } });
      return {
        slug: `ny-${unique(caller)}`,
        name: "Nytt kunskapsstöd",
        kind: "RECOMMENDATION",
        ownerGroup: globalId("NationalProgramArea", npo.id),
        state: { state: "PLANNED", from: "2025-01-01" },
      };
    },
  },
  updateKnowledgeSupport: {
    query: `mutation($input: UpdateKnowledgeSupportInput!) { updateKnowledgeSupport(input: $input) { id } }`,
    owner: null,
    input: async (caller: CallerName) => ({ id: await knowledgeSupport(caller), description: "Ändrad" }),
  },
  createImplementation: {
    query: CREATE_IMPLEMENTATION,
    owner: "22",
    input: async (caller: CallerName) => ({
      knowledgeSupport: await knowledgeSupport(caller),
      countyCode: "22",
      status: { status: "DECIDED", from: "2024-03-01" },
    }),
  },
  "createImplementation (in a municipality of region 01)": {
    query: CREATE_IMPLEMENTATION,
    owner: "01",
    input: async (caller: CallerName) => ({
      knowledgeSupport: await knowledgeSupport(caller),
      countyCode: "01",
      municipalityCode: "0180",
      status: { status: "DECIDED", from: "2024-03-01" },
    }),
  },
  updateImplementation: {
    query: `mutation($input: UpdateImplementationInput!) { updateImplementation(input: $input) { id } }`,
    owner: "22",
    input: async (caller: CallerName) => ({
      id: await implementationIn(caller, "22"),
      newStatus: { status: "PLANNING", from: "2024-06-01" },
    }),
  },
  createFollowUp: {
    query: CREATE_FOLLOW_UP,
    owner: null,
    input: async (caller: CallerName) => ({
      knowledgeSupport: await knowledgeSupport(caller),
      indicator: "Andel",
      dataSource: "Kvalitetsregister",
    }),
  },
  updateFollowUp: {
    query: `mutation($input: UpdateFollowUpInput!) { updateFollowUp(input: $input) { id } }`,
    owner: null,
    input: async (caller: CallerName) => ({
      id: await create(CREATE_FOLLOW_UP, {
        knowledgeSupport: await knowledgeSupport(caller),
        indicator: "Andel",
        dataSource: "Kvalitetsregister",
      }),
      targetLevel: "≥ 90 %",
    }),
  },
  syncImplementationStatuses: {
    query: `mutation($input: SyncImplementationStatusesInput!) { syncImplementationStatuses(input: $input) { applied } }`,
    owner: "22",
    input: async (caller: CallerName) => {
      const id = await knowledgeSupport(caller);
      const slug = (
        await server.prisma.knowledgeSupport.findUniqueOrThrow({
          where: { id: Buffer.from(id, "base64url").toString().split(":")[1]! },
        })
      ).slug;
      return { countyCode: "22", rows: [{ knowledgeSupport: slug, status: "PLANNING", from: "2024-05-01" }] };
    },
  },
  reportFollowUpValue: {
    query: `mutation($input: ReportFollowUpValueInput!) { reportFollowUpValue(input: $input) { value } }`,
    owner: "22",
    input: async (caller: CallerName) => ({
      followUp: await create(CREATE_FOLLOW_UP, {
        knowledgeSupport: await knowledgeSupport(caller),
        indicator: "Andel",
        dataSource: "Kvalitetsregister",
      }),
      countyCode: "22",
      value: 50,
      periodStart: "2025-01-01",
      periodEnd: "2025-12-31",
    }),
  },
});

/** The outcome the rules give: a scope the mutation's module does not declare is refused; `write` may change anything; a region's key what its region owns. */
function expected(mutation: string, caller: CallerName): string {
  if (caller === "anonymous") return "UNAUTHENTICATED";
  if (!scopeDeclared(registryOf(), mutation, caller)) return "FORBIDDEN";
  if (caller === "write") return "allowed";
  const owner = MUTATIONS[mutation]!.owner;
  if (owner === "anyone") return "allowed";
  return owner !== null && caller === `write:region:${owner}` ? "allowed" : "FORBIDDEN";
}

describe("authorization matrix", () => {
  it("covers every mutation the modules declare, and the modules declare every mutation of the schema", async () => {
    expect(matrixGaps(registryOf(), await applicationSchema(), Object.keys(MUTATIONS))).toEqual({
      uncovered: [],
      undeclared: [],
      notInSchema: [],
      schemaUndeclared: [],
    });
  });

  it("allows or refuses every mutation for every kind of caller, and refused calls change nothing", async () => {
    const actual: Record<string, Record<string, string>> = {};
    const wanted: Record<string, Record<string, string>> = {};
    for (const [mutation, { query, input }] of Object.entries(MUTATIONS)) {
      actual[mutation] = {};
      wanted[mutation] = {};
      for (const caller of callers) {
        const variables = { input: await input(caller) };
        const audit = await server.prisma.auditEvent.count();
        const response = await call(query, variables, headers[caller]);
        const code = codeOf(response);
        actual[mutation]![caller] = code === undefined ? "allowed" : code;
        wanted[mutation]![caller] = expected(mutation, caller);
        if (code !== undefined) expect(await server.prisma.auditEvent.count()).toBe(audit);
      }
    }
    expect(actual).toEqual(wanted);
  });

  it("answers an unusable key with 401 UNAUTHENTICATED, never as anonymous", async () => {
    const { key: revoked } = await createApiKey(server.prisma, { name: "to-revoke", scopes: ["read"] });
    await revokeApiKey(server.prisma, "to-revoke");
    const { key: expiring } = await createApiKey(server.prisma, {
      name: "expiring",
      scopes: ["read"],
      expiresAt: new Date(Date.now() + 1500),
    });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    for (const [authorization, message] of [
      [`Bearer ${revoked}`, /revoked/],
      [`Bearer ${expiring}`, /expired/],
      ["Bearer kg_short", /Malformed/],
      [`Bearer ${revoked.slice(0, -4)}AAAA`, /Unknown/],
      ["Basic dXNlcjpwYXNz", /Bearer/],
    ] as const) {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(response.status).toBe(401);
      const body = (await response.json()) as GraphQLResponse;
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(body.errors?.[0]?.message).toMatch(message);
      // The secret (everything after kg_<prefix>_) is never echoed.
      expect(JSON.stringify(body)).not.toContain(revoked.slice("kg_".length + 9));
    }
  });
});

describe("personal contact data", () => {
  let personId: string;
  beforeAll(async () => {
    personId = await create(CREATE_PERSON, {
      givenName: "Kontakt",
      familyName: "Person",
      email: "kontakt.person@rvn.se",
      phone: "+46 60 18 10 00",
    });
    await create(CREATE_MEMBERSHIP, {
      person: personId,
      group: await groupId("lpo-22-akut-vard"),
      role: "MEMBER",
      validFrom: "2024-01-01",
    });
  });

  const paths: [string, string, (data: Data) => unknown][] = [
    ["node(id)", `query($id: ID!) { node(id: $id) { ... on Person { name email phone } } }`, (data) => data.node],
    [
      "a group's members",
      `{ group(slug: "lpo-22-akut-vard") { members(first: 100) { nodes { person { name email phone } } } } }`,
      (data) =>
        (
          (data.group!.members as { nodes: { person: { name: string } }[] }).nodes.find(
            (n) => n.person.name === "Kontakt Person",
          ) ?? {}
        ).person,
    ],
    [
      "search",
      `{ search(query: "Kontakt Person", kinds: [PERSON]) { nodes { ... on Person { name email phone } } } }`,
      (data) => (data.search!.nodes as unknown[])[0],
    ],
    [
      "the change feed",
      `{ changes(first: 1000) { changes { node { ... on Person { name email phone } } } } }`,
      (data) =>
        (data.changes!.changes as { node: { name?: string } | null }[])
          .map((c) => c.node)
          .find((n) => n?.name === "Kontakt Person"),
    ],
  ];

  it.each(paths)("is hidden without read:contact through %s, and shown with it", async (_path, query, pick) => {
    for (const [caller, code] of [
      ["anonymous", "UNAUTHENTICATED"],
      ["read", "FORBIDDEN"],
      ["write", "FORBIDDEN"],
      ["admin", "FORBIDDEN"],
    ] as const) {
      const response = await call(query, { id: personId }, headers[caller]);
      expect(pick(response.data!)).toMatchObject({ name: "Kontakt Person", email: null, phone: null });
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(expect.arrayContaining([code]));
      expect(JSON.stringify(response)).not.toContain("rvn.se");
    }
    const reader = await server.keyHeaders(["read", "read:contact"]);
    const allowed = await call(query, { id: personId }, reader);
    expect(allowed.errors).toBeUndefined();
    expect(pick(allowed.data!)).toMatchObject({ email: "kontakt.person@rvn.se", phone: "+46 60 18 10 00" });
  });

  it("keeps contact values out of the audit trail", async () => {
    const response = await call(
      `query($id: ID) { auditEvents(entity: $id) { nodes { changes { field before after } } } }`,
      { id: personId },
      headers.admin,
    );
    expect(JSON.stringify(response.data)).toContain("(personal data)");
    expect(JSON.stringify(response.data)).not.toContain("rvn.se");
  });
});

describe("source-system identifiers", () => {
  const ids = { person: "", lonely: "", membership: "" };
  beforeAll(async () => {
    ids.person = await create(CREATE_PERSON, {
      givenName: "Identitet",
      familyName: "Person",
      hsaId: "SE2321000180-IDENT1",
      sourceSystem: "hr-ident",
      externalId: "ident-person-4711",
    });
    ids.lonely = await create(CREATE_PERSON, {
      givenName: "Identitet",
      familyName: "Ensam",
      sourceSystem: "hr-ident",
      externalId: "ident-lonely-4712",
    });
    ids.membership = await create(CREATE_MEMBERSHIP, {
      person: ids.person,
      group: await groupId("lpo-22-akut-vard"),
      role: "MEMBER",
      validFrom: "2024-01-01",
      sourceSystem: "hr-ident",
      externalId: "ident-membership-4713",
    });
  });

  type Nodes = { nodes: Record<string, unknown>[] };
  const feed = (data: Data, match: (node: Record<string, unknown>) => boolean) =>
    (data.changes!.changes as { node: Record<string, unknown> | null }[])
      .map((c) => c.node)
      .find((n) => n !== null && match(n));
  const FIELDS = "sourceSystem externalId";
  const paths: [string, string, () => Record<string, unknown>, (data: Data) => unknown, Record<string, unknown>][] = [
    [
      "a person through node(id)",
      `query($id: ID!) { node(id: $id) { ... on Person { name hsaId ${FIELDS} } } }`,
      () => ({ id: ids.person }),
      (data) => data.node,
      {
        name: "Identitet Person",
        hsaId: "SE2321000180-IDENT1",
        sourceSystem: "hr-ident",
        externalId: "ident-person-4711",
      },
    ],
    [
      "a person among a group's members",
      `{ group(slug: "lpo-22-akut-vard") { members(first: 100) { nodes { person { name ${FIELDS} } } } } }`,
      () => ({}),
      (data) =>
        (
          (data.group!.members as { nodes: { person: { name: string } }[] }).nodes.find(
            (n) => n.person.name === "Identitet Person",
          ) ?? {}
        ).person,
      { name: "Identitet Person", externalId: "ident-person-4711" },
    ],
    [
      "a person found by search",
      `{ search(query: "Identitet Person", kinds: [PERSON]) { nodes { ... on Person { name ${FIELDS} } } } }`,
      () => ({}),
      (data) => (data.search!.nodes as unknown[])[0],
      { name: "Identitet Person", externalId: "ident-person-4711" },
    ],
    [
      "a person in the change feed",
      `{ changes(first: 1000) { changes { node { ... on Person { name ${FIELDS} } } } } }`,
      () => ({}),
      (data) => feed(data, (n) => n.name === "Identitet Person"),
      { name: "Identitet Person", externalId: "ident-person-4711" },
    ],
    [
      "a person in no group, through the change feed",
      `{ changes(first: 1000) { changes { node { ... on Person { name ${FIELDS} } } } } }`,
      () => ({}),
      (data) => feed(data, (n) => n.name === "Identitet Ensam"),
      { name: "Identitet Ensam", externalId: "ident-lonely-4712" },
    ],
    [
      "a person in no group, through node(id)",
      `query($id: ID!) { node(id: $id) { ... on Person { name ${FIELDS} } } }`,
      () => ({ id: ids.lonely }),
      (data) => data.node,
      { name: "Identitet Ensam", externalId: "ident-lonely-4712" },
    ],
    [
      "a membership through node(id)",
      `query($id: ID!) { node(id: $id) { ... on Membership { role ${FIELDS} } } }`,
      () => ({ id: ids.membership }),
      (data) => data.node,
      { role: "MEMBER", externalId: "ident-membership-4713" },
    ],
    [
      "a membership among a group's members",
      `{ group(slug: "lpo-22-akut-vard") { members(first: 100) { nodes { id ${FIELDS} } } } }`,
      () => ({}),
      (data) => (data.group!.members as Nodes).nodes.find((n) => n.id === ids.membership),
      { externalId: "ident-membership-4713" },
    ],
    [
      "a membership among a person's memberships",
      `query($id: ID!) { node(id: $id) { ... on Person { memberships { nodes { id ${FIELDS} } } } } }`,
      () => ({ id: ids.person }),
      (data) => (data.node as { memberships: Nodes }).memberships.nodes[0],
      { externalId: "ident-membership-4713" },
    ],
    [
      "a membership in the change feed",
      `{ changes(first: 1000) { changes { node { ... on Membership { id ${FIELDS} } } } } }`,
      () => ({}),
      (data) => feed(data, (n) => n.id === ids.membership),
      { externalId: "ident-membership-4713" },
    ],
  ];

  it.each(paths)(
    "are hidden from anonymous, read and read:contact keys through %s, and shown to read:identifiers, write, region and admin keys",
    async (_path, query, variables, pick, shown) => {
      const hidden = Object.fromEntries(
        Object.entries(shown).map(([field, value]) => [
          field,
          field === "sourceSystem" || field === "externalId" ? null : value,
        ]),
      );
      const contactReader = await server.keyHeaders(["read", "read:contact"]);
      for (const [as, code] of [
        [headers.anonymous, "UNAUTHENTICATED"],
        [headers.read, "FORBIDDEN"],
        [contactReader, "FORBIDDEN"],
      ] as const) {
        const response = await call(query, variables(), as);
        expect(pick(response.data!)).toMatchObject({ ...hidden, sourceSystem: null, externalId: null });
        expect(response.errors?.map((e) => e.extensions?.code)).toEqual(expect.arrayContaining([code]));
        expect(new Set(response.errors?.map((e) => e.extensions?.code))).toEqual(new Set([code]));
        expect(JSON.stringify(response)).not.toMatch(/hr-ident|ident-(person|lonely|membership)-47/);
      }
      const identifierReader = await server.keyHeaders(["read", "read:identifiers"]);
      for (const as of [
        identifierReader,
        headers.write,
        headers["write:region:22"],
        headers["write:region:01"],
        headers.admin,
      ]) {
        const response = await call(query, variables(), as);
        expect(response.errors).toBeUndefined();
        expect(pick(response.data!)).toMatchObject({ ...shown, sourceSystem: "hr-ident" });
      }
    },
  );
});

describe("anonymous access", () => {
  it("can be switched off, leaving reads to keys", async () => {
    const closed = await startTestServer({ config: { anonymousAccess: "none" } });
    try {
      const anonymous = await fetch(closed.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ regions { name } }" }),
      });
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      const withKey = await gql<{ regions: unknown[] }>(
        closed.url,
        "{ regions { name } }",
        {},
        await closed.keyHeaders(["write:region:22"]),
      );
      expect(withKey.data?.regions).toHaveLength(21);
    } finally {
      await closed.stop();
    }
  });

  it("logs each request with the caller's key name, never the key", async () => {
    await gql(server.url, "query WhoAmI { regions { name } }", {}, headers.read);
    const line = server.logs.find((entry) => entry.operationName === "WhoAmI");
    expect(line).toMatchObject({ caller: "matrix-read" });
    expect(JSON.stringify(server.logs)).not.toContain(headers.read.authorization!.slice(7));
  });
});
