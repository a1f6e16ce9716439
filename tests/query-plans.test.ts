import { subscribe, unsubscribe } from "node:diagnostics_channel";
import pg from "pg";
import { INTRANET_OPERATIONS } from "../bench/queries";
import { readStatements, type ReadStatement } from "../src/db/read-sql";
import { existingMembershipsQuery, peopleByKeysQuery } from "../src/modules/sync/sync.service";
import { DATASET_SCALES, type DatasetScale } from "./support/test-database";
import { gql, startTestServer, type TestServer } from "./support/test-server";

/**
 * Every loader look-up runs on the index meant for it, on the 1× and 10× data sets, with the
 * planner as it runs in production (sequential scans allowed, tables ANALYZEd). The statements
 * explained are the loaders' own: a test server serves the intranet operations and a sweep while
 * the test listens to what the read path sends (src/db/read-sql.ts), then each statement is
 * EXPLAINed with its batch of keys replaced by a realistic one, parameters as the driver sends
 * them. A plan fails when it reads a table of at least BIG_TABLE_ROWS rows sequentially, or reads
 * any table through another index than the one named for it.
 *
 * A new loader's statement fails the test until it has an entry in LOOKUPS (its name, the SQL that
 * picks a realistic batch of keys, the index each table must be read through) or in NOT_LOOKUPS.
 */

/**
 * Tables with at least this many rows must not be read whole by a look-up: at 10× that is
 * membership, person and person_contact. Below it a sequential scan of a batch of a few hundred
 * keys costs a millisecond or two, and planners differ on it: PostgreSQL 15 reads the 1× person
 * (6 300 rows) and membership (19 500) tables whole for a batch of 100–700 keys where
 * PostgreSQL 17 uses the index. Smaller tables are still checked for the index they are read
 * through whenever they are read through one.
 */
const BIG_TABLE_ROWS = 20_000;

interface Lookup {
  name: string;
  /**
   * The name the loader sends its statement under (src/db/read-sql.ts). The test EXPLAINs each
   * text the loader sent under it while serving the operations below (a day and every period
   * are different texts), with its batch of keys replaced by `keys`.
   */
  reads: string;
  /** SQL whose first column is a realistic batch of keys for the statement. */
  keys: string;
  /**
   * Table → the index it must be read through (when it is read through an index at all); a list
   * where more than one is right (the primary key and a unique index leading with the same column).
   */
  indexes: Record<string, string | string[]>;
}

const GROUPS_OF_VASTERNORRLAND = `SELECT id FROM governance_group WHERE county_code = '22'`;
const NPOS = `SELECT id FROM governance_group WHERE kind = 'NPO'`;

/** A group by id: its primary key or the unique (id, kind) behind the kind-checking foreign keys. */
const GROUP_BY_ID = ["governance_group_pkey", "governance_group_id_kind_key"];
/**
 * Where a look-up also filters on a kind whose groups the reference structure fixes (RPO, LPO: a
 * few hundred, not growing with the data), reading that kind through governance_group_kind_name_idx
 * is as right as the key column's index.
 */
const OR_BY_KIND = "governance_group_kind_name_idx";
/** A group's members: the (group, role) index or the group-first overlap constraint's index. */
const MEMBERS_OF_GROUP = ["membership_group_id_role_idx", "kg_membership_no_overlap"];

/**
 * The loaders' look-ups. Memberships are joined to their people by key (LATERAL … OFFSET 0): as a
 * plain join the planner hashes the whole person table once a batch holds a few thousand
 * memberships (Västernorrland's groups at 10×: 42 000 people read for 2 600 memberships, 27–53 ms
 * against 12–20 ms by key). A municipality's groups are read by key the same way.
 */
const LOOKUPS: Lookup[] = [
  {
    name: "memberships by group",
    reads: "memberships_by_group",
    keys: GROUPS_OF_VASTERNORRLAND,
    indexes: { membership: MEMBERS_OF_GROUP, person: "person_pkey" },
  },
  {
    name: "memberships by group (the NPOs)",
    reads: "memberships_by_group",
    keys: NPOS,
    indexes: { membership: MEMBERS_OF_GROUP, person: "person_pkey" },
  },
  {
    name: "memberships by person",
    reads: "memberships_by_person",
    keys: `SELECT person_id FROM membership WHERE group_id IN (SELECT id FROM governance_group WHERE county_code = '22' AND kind = 'LPO')`,
    indexes: { membership: "membership_person_id_idx", person: "person_pkey" },
  },
  {
    name: "memberships by representing organisation",
    reads: "memberships_by_representing_organisation",
    keys: `SELECT id FROM organisation WHERE county_code = '22'`,
    indexes: { membership: "membership_representing_organisation_id_idx", person: "person_pkey" },
  },
  {
    name: "membership by id",
    reads: "membership_by_id",
    keys: `SELECT id FROM membership ORDER BY external_id LIMIT 50`,
    indexes: { membership: "membership_pkey" },
  },
  {
    name: "person by id",
    reads: "person_by_id",
    keys: `SELECT person_id FROM membership ORDER BY external_id LIMIT 100`,
    indexes: { person: "person_pkey" },
  },
  {
    name: "contact by person",
    reads: "contact_by_person",
    keys: `SELECT person_id FROM membership ORDER BY external_id LIMIT 100`,
    indexes: { person_contact: "person_contact_pkey" },
  },
  {
    name: "group by id",
    reads: "group_by_id",
    keys: GROUPS_OF_VASTERNORRLAND,
    indexes: { governance_group: GROUP_BY_ID },
  },
  {
    name: "group by slug",
    reads: "group_by_slug",
    keys: `SELECT slug FROM governance_group WHERE kind = 'NPO'`,
    indexes: { governance_group: "governance_group_slug_key" },
  },
  {
    name: "RPOs by program area",
    reads: "rpos_by_program_area",
    keys: NPOS,
    indexes: { governance_group: ["governance_group_program_area_id_healthcare_region_id_key", OR_BY_KIND] },
  },
  {
    name: "RPOs by healthcare region",
    reads: "rpos_by_healthcare_region",
    keys: `SELECT id FROM healthcare_region`,
    indexes: { governance_group: ["governance_group_healthcare_region_id_idx", OR_BY_KIND] },
  },
  {
    name: "LPOs by county",
    reads: "lpos_by_county",
    keys: `SELECT county_code FROM region WHERE county_code IN ('22', '01')`,
    indexes: { governance_group: ["governance_group_county_code_idx", OR_BY_KIND] },
  },
  {
    name: "working groups by parent",
    reads: "working_groups_by_parent",
    keys: `SELECT id FROM governance_group WHERE county_code = '22' AND kind = 'LPO'`,
    indexes: { governance_group: "governance_group_parent_id_idx" },
  },
  {
    name: "LPOs mirroring a program area",
    reads: "lpos_by_program_area",
    keys: NPOS,
    indexes: { group_mirror: "group_mirror_program_area_id_idx", governance_group: [...GROUP_BY_ID, OR_BY_KIND] },
  },
  {
    name: "program areas a group mirrors",
    reads: "program_areas_by_group",
    keys: GROUPS_OF_VASTERNORRLAND,
    indexes: { group_mirror: "group_mirror_pkey", governance_group: GROUP_BY_ID },
  },
  {
    name: "hostings by group",
    reads: "hostings_by_group",
    keys: NPOS,
    indexes: { hosting: "hosting_group_id_organisation_id_kind_key", organisation: "organisation_pkey" },
  },
  {
    name: "current host by group",
    reads: "current_host_by_group",
    keys: NPOS,
    indexes: { hosting: "hosting_group_id_organisation_id_kind_key", organisation: "organisation_pkey" },
  },
  {
    name: "participating municipalities by group",
    reads: "participating_municipalities_by_group",
    keys: GROUPS_OF_VASTERNORRLAND,
    indexes: {
      group_participation: "group_participation_group_id_organisation_id_role_key",
      organisation: "organisation_pkey",
      municipality: "municipality_pkey",
    },
  },
  {
    name: "groups of a municipality (participations and representing memberships)",
    reads: "groups_by_municipality",
    keys: `SELECT id FROM municipality WHERE code IN ('2281', '2262', '0180')`,
    indexes: {
      organisation: "organisation_municipality_id_key",
      group_participation: "group_participation_organisation_id_idx",
      membership: "membership_representing_organisation_id_idx",
      governance_group: GROUP_BY_ID,
    },
  },
  {
    name: "linked groups by group",
    reads: "linked_groups_by_group",
    keys: GROUPS_OF_VASTERNORRLAND,
    indexes: { group_relation: "group_relation_pkey", governance_group: GROUP_BY_ID },
  },
  {
    name: "other names by group",
    reads: "other_names_by_group",
    keys: NPOS,
    indexes: { other_name: "other_name_group_id_idx" },
  },
  {
    name: "organisation by id",
    reads: "organisation_by_id",
    keys: `SELECT id FROM organisation WHERE county_code = '22'`,
    indexes: { organisation: "organisation_pkey" },
  },
  {
    name: "municipalities by county",
    reads: "municipalities_by_county",
    keys: `SELECT county_code FROM region WHERE county_code IN ('22', '01')`,
    indexes: { municipality: "municipality_county_code_code_idx" },
  },
  {
    name: "municipalities by healthcare region",
    reads: "municipalities_by_healthcare_region",
    keys: `SELECT id FROM healthcare_region`,
    indexes: { municipality: "municipality_healthcare_region_id_idx" },
  },
  {
    name: "region by county code",
    reads: "region_by_county_code",
    keys: `SELECT county_code FROM region`,
    indexes: { region: "region_county_code_key" },
  },
  {
    name: "healthcare region by id",
    reads: "healthcare_region_by_id",
    keys: `SELECT id FROM healthcare_region`,
    indexes: { healthcare_region: "healthcare_region_pkey" },
  },
  {
    name: "healthcare regions of a region",
    reads: "healthcare_regions_by_region",
    keys: `SELECT id FROM region`,
    indexes: { region_healthcare_region: "region_healthcare_region_pkey", healthcare_region: "healthcare_region_pkey" },
  },
  {
    name: "municipality by code",
    reads: "municipality_by_code",
    keys: `SELECT code FROM municipality WHERE county_code IN ('22', '01')`,
    indexes: { municipality: "municipality_code_key" },
  },
  {
    name: "regions by healthcare region",
    reads: "regions_by_healthcare_region",
    keys: `SELECT id FROM healthcare_region`,
    indexes: { region_healthcare_region: "region_healthcare_region_healthcare_region_id_idx", region: "region_pkey" },
  },
];

/**
 * Operations that together make the loaders send every look-up above, for a day and, where the
 * API offers it (`activeOn: null`), for every period: the intranet operations and a sweep of the
 * relations they do not reach.
 */
const SWEEP = `query Sweep {
  nationalProgramAreas {
    slug otherNames { name } hostings { kind organisation { name } } host { name }
    localProgramAreas { slug } regionalProgramAreas { slug healthcareRegion { regions { name } municipalities { name } } }
    members(activeOn: null, first: 5) { nodes { role person { memberships(activeOn: null, first: 5) { nodes { role } } } } }
  }
  region(countyCode: "22") {
    localProgramAreas {
      slug parent { slug } linkedGroups { slug } municipalities { name } workingGroups { slug }
      members(first: 5) { nodes { person { memberships(first: 5) { nodes { role } } } } }
    }
    municipalities { name groups(first: 5) { nodes { slug } } }
  }
  healthcareRegions { regionalProgramAreas { slug } }
  municipality(code: "2281") { groups(activeOn: null, first: 5) { nodes { slug } } }
  agencies { name representatives(first: 5) { nodes { role } } all: representatives(activeOn: null, first: 5) { nodes { role } } }
}`;

/**
 * Statements the operations send that are not look-ups by key, and why they need no entry: lists
 * and pages that read a whole (small) table or walk an index in order.
 */
/** Knowledge support of the program areas, and the regions' implementations of it. */
const KNOWLEDGE_SUPPORTS = `SELECT knowledge_support_id FROM knowledge_support_program_area WHERE program_area_id IN (SELECT id FROM governance_group WHERE slug IN ('psykisk-halsa', 'levnadsvanor'))`;
const IMPLEMENTATIONS_OF_22 = `SELECT id FROM implementation WHERE county_code = '22'`;
const FOLLOW_UPS = `SELECT id FROM follow_up WHERE knowledge_support_id IN (${KNOWLEDGE_SUPPORTS})`;

LOOKUPS.push(
  {
    name: "knowledge support by id",
    reads: "knowledge_support_by_id",
    keys: KNOWLEDGE_SUPPORTS,
    indexes: { knowledge_support: "knowledge_support_pkey" },
  },
  {
    name: "knowledge support by slug",
    reads: "knowledge_support_by_slug",
    keys: `SELECT slug FROM knowledge_support ORDER BY slug LIMIT 50`,
    indexes: { knowledge_support: "knowledge_support_slug_key" },
  },
  {
    name: "program areas of knowledge support",
    reads: "knowledge_support_program_area_ids",
    keys: KNOWLEDGE_SUPPORTS,
    indexes: { knowledge_support_program_area: "knowledge_support_program_area_pkey" },
  },
  {
    name: "lifecycle of knowledge support",
    reads: "knowledge_support_states",
    keys: KNOWLEDGE_SUPPORTS,
    indexes: {
      knowledge_support_state: [
        "knowledge_support_state_knowledge_support_id_valid_from_idx",
        "kg_knowledge_support_state_no_overlap",
      ],
    },
  },
  {
    name: "versions of knowledge support",
    reads: "knowledge_support_versions",
    keys: KNOWLEDGE_SUPPORTS,
    indexes: { knowledge_support_version: "knowledge_support_version_knowledge_support_id_label_key" },
  },
  {
    name: "former names of knowledge support",
    reads: "knowledge_support_former_names",
    keys: KNOWLEDGE_SUPPORTS,
    indexes: { knowledge_support_name: "knowledge_support_name_knowledge_support_id_idx" },
  },
  {
    name: "implementations of knowledge support in a region",
    reads: "implementations_of_knowledge_support_in",
    keys: KNOWLEDGE_SUPPORTS,
    indexes: {
      implementation: ["implementation_knowledge_support_id_county_code_idx", "kg_implementation_one_per_region"],
    },
  },
  {
    name: "implementations of a county",
    reads: "implementations_of_county",
    keys: `SELECT county_code FROM region WHERE county_code IN ('22', '01')`,
    indexes: { implementation: "implementation_county_code_idx", knowledge_support: "knowledge_support_pkey" },
  },
  {
    name: "implementations of a municipality",
    reads: "implementations_of_municipality",
    keys: `SELECT code FROM municipality WHERE county_code = '22'`,
    indexes: {
      implementation: [
        "implementation_municipality_code_idx",
        "implementation_pkey",
        "kg_implementation_one_per_municipality",
      ],
      implementation_municipality: "implementation_municipality_municipality_code_idx",
      knowledge_support: "knowledge_support_pkey",
    },
  },
  {
    name: "implementation by id",
    reads: "implementation_by_id",
    keys: IMPLEMENTATIONS_OF_22,
    indexes: { implementation: "implementation_pkey" },
  },
  {
    name: "status history of implementations",
    reads: "implementation_statuses",
    keys: IMPLEMENTATIONS_OF_22,
    indexes: {
      implementation_status: [
        "implementation_status_implementation_id_valid_from_idx",
        "kg_implementation_status_no_overlap",
      ],
    },
  },
  {
    name: "municipalities of joint implementations",
    reads: "implementation_municipality_codes",
    keys: IMPLEMENTATIONS_OF_22,
    indexes: { implementation_municipality: "implementation_municipality_pkey" },
  },
  {
    name: "follow-ups of knowledge support",
    reads: "follow_ups_of_knowledge_support",
    keys: KNOWLEDGE_SUPPORTS,
    indexes: { follow_up: "follow_up_knowledge_support_id_indicator_key" },
  },
  {
    name: "latest follow-up values of a region",
    reads: "latest_follow_up_values_in",
    keys: FOLLOW_UPS,
    indexes: { follow_up_value: "follow_up_value_follow_up_id_county_code_period_start_perio_key" },
  },
  {
    name: "the implementation matrix's cells",
    reads: "implementation_matrix_cells",
    keys: `SELECT knowledge_support_id FROM knowledge_support_program_area WHERE program_area_id = (SELECT id FROM governance_group WHERE slug = 'psykisk-halsa')`,
    indexes: {
      implementation: ["implementation_knowledge_support_id_county_code_idx", "kg_implementation_one_per_region"],
      implementation_status: [
        "implementation_status_implementation_id_valid_from_idx",
        "kg_implementation_status_no_overlap",
      ],
      region: ["region_pkey", "region_county_code_key"],
    },
  },
);

/** The knowledge-support relations, each once. */
const KNOWLEDGE_SWEEP = `query KnowledgeSweep {
  knowledgeSupport(slug: "generiskt-ramverk-for-kunskapsstod") { name }
  knowledgeSupports(filter: { programArea: "psykisk-halsa" }, first: 100) {
    nodes {
      programAreas { slug } lifecycle { state } versions { label } formerNames { name }
      implementations(region: "22") { status { status } municipalities { code } }
      followUps { latestValues(region: "22") { value } }
    }
  }
  implementationMatrix(programArea: "psykisk-halsa") { cells { status } }
  region(countyCode: "22") { implementations { knowledgeSupport { name } } }
  municipality(code: "2281") { implementations { knowledgeSupport { name } } }
  knowledgeGaps(kinds: [IMPLEMENTATION_STUCK], first: 20) { nodes { implementation { decisionDate } } }
}`;

const NOT_LOOKUPS: Record<string, string> = {
  groups_page: "the groups connection: a filtered page of groups in slug order",
  groups_count: "the groups connection's totalCount over the same filter",
  healthcare_regions: "the list of the six healthcare regions",
  national_program_areas: "the list of NPOs, a kind the reference structure fixes",
  organisations_by_kind: "the list of one kind of organisation (agencies): a small table",
  search: "a search by name, on the trigram indexes of the search-index migration, not by key",
  knowledge_supports_page: "the knowledge-support connection: a filtered page in name order",
  knowledge_supports_count: "the knowledge-support connection's totalCount over the same filter",
  implementation_matrix_area: "the matrix's program area, by slug",
  implementation_matrix_supports: "the matrix's rows: the knowledge support of one program area",
};

/** One way a plan reads a table: sequentially, or through a named index. */
interface TableRead {
  table: string;
  /** The plan node, e.g. "Seq Scan", "Index Scan", "Bitmap Index Scan". */
  node: string;
  index?: string;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every table read in a plan (EXPLAIN FORMAT JSON), with the index used; `tableOfIndex` resolves bitmap index scans. */
function tableReads(plan: PlanNode, tableOfIndex: Map<string, string>): TableRead[] {
  const node = plan["Node Type"];
  const index = plan["Index Name"];
  const own: TableRead[] = [];
  if (index) own.push({ table: plan["Relation Name"] ?? tableOfIndex.get(index) ?? "?", node, index });
  else if (node === "Seq Scan" && plan["Relation Name"]) own.push({ table: plan["Relation Name"], node });
  return [...own, ...(plan.Plans ?? []).flatMap((child) => tableReads(child, tableOfIndex))];
}

/** What is wrong with a plan's table reads: a big table read whole, or a table read through another index than the intended. */
function planProblems(
  reads: TableRead[],
  indexes: Record<string, string | string[]>,
  bigTables: Set<string>,
): string[] {
  return reads.flatMap(({ table, node, index }) => {
    if (!index) return bigTables.has(table) ? [`${node} on ${table}`] : [];
    const intended = indexes[table];
    if (intended === undefined) return [`${node} on ${table} through ${index}, which the statement does not name`];
    const allowed = typeof intended === "string" ? [intended] : intended;
    return allowed.includes(index) ? [] : [`${node} on ${table} through ${index} instead of ${allowed.join(" or ")}`];
  });
}

describe("planProblems", () => {
  const indexes = { membership: "membership_group_id_role_idx", person: "person_pkey" };
  const big = new Set(["membership", "person"]);
  it("accepts the intended indexes and small tables read whole", () => {
    const reads = [
      { table: "membership", node: "Bitmap Index Scan", index: "membership_group_id_role_idx" },
      { table: "person", node: "Index Scan", index: "person_pkey" },
      { table: "region", node: "Seq Scan" },
    ];
    expect(planProblems(reads, indexes, big)).toEqual([]);
  });
  it("reports a big table read sequentially, another index, and an index on a table the statement does not name", () => {
    const reads = [
      { table: "membership", node: "Seq Scan" },
      { table: "person", node: "Index Scan", index: "person_hsa_id_key" },
      { table: "region", node: "Index Scan", index: "region_pkey" },
    ];
    expect(planProblems(reads, indexes, big)).toEqual([
      "Seq Scan on membership",
      "Index Scan on person through person_hsa_id_key instead of person_pkey",
      "Index Scan on region through region_pkey, which the statement does not name",
    ]);
  });
  it("finds the reads of a nested plan, bitmap index scans under their heap scan included", () => {
    const plan: PlanNode = {
      "Node Type": "Nested Loop",
      Plans: [
        {
          "Node Type": "Bitmap Heap Scan",
          "Relation Name": "membership",
          Plans: [{ "Node Type": "Bitmap Index Scan", "Index Name": "membership_person_id_idx" }],
        },
        { "Node Type": "Seq Scan", "Relation Name": "person" },
      ],
    };
    expect(tableReads(plan, new Map([["membership_person_id_idx", "membership"]]))).toEqual([
      { table: "membership", node: "Bitmap Index Scan", index: "membership_person_id_idx" },
      { table: "person", node: "Seq Scan" },
    ]);
  });
});

interface Request {
  query: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The statements the read path sends while serving `requests`: each distinct text under each name, with the values of its first use. */
async function statementsSent(url: string, requests: Request[]): Promise<Map<string, ReadStatement[]>> {
  const sent = new Map<string, ReadStatement[]>();
  const listener = (message: unknown) => {
    const statement = message as ReadStatement;
    const texts = sent.get(statement.name) ?? [];
    if (!texts.some((known) => known.text === statement.text)) sent.set(statement.name, [...texts, statement]);
  };
  subscribe(readStatements.name, listener);
  try {
    for (const { query, variables, headers } of requests) {
      const result = await gql(url, query, variables, headers);
      expect(result.errors).toBeUndefined();
    }
  } finally {
    unsubscribe(readStatements.name, listener);
  }
  return sent;
}

/** Objects by global ID (a membership, a person with contact details), the way `node` reads them. */
const BY_ID = `query ById($membership: ID!, $person: ID!) {
  membership: node(id: $membership) { ... on Membership { role } }
  person: node(id: $person) { ... on Person { familyName email } }
}`;

async function byIdRequest(server: TestServer): Promise<Request> {
  const { data } = await gql<{
    region: { localProgramAreas: { members: { nodes: { id: string; person: { id: string } }[] } }[] };
  }>(
    server.url,
    `{ region(countyCode: "22") { localProgramAreas { members(first: 1) { nodes { id person { id } } } } } }`,
  );
  const member = data!.region.localProgramAreas.flatMap((lpo) => lpo.members.nodes)[0]!;
  return {
    query: BY_ID,
    variables: { membership: member.id, person: member.person.id },
    headers: await server.keyHeaders(["read", "read:contact"]),
  };
}

/** The statement's values with its batch of keys (its one array value) replaced by `keys`. */
function withKeys(statement: ReadStatement, keys: string[]): unknown[] {
  const arrays = statement.values.filter((value) => Array.isArray(value));
  expect([statement.name, arrays.length]).toEqual([statement.name, 1]);
  return statement.values.map((value) => (Array.isArray(value) ? keys : value));
}

describe.each(DATASET_SCALES)("query plans of the loaders' look-ups at %i×", (scale: DatasetScale) => {
  let server: TestServer;
  let client: pg.Client;
  let tableOfIndex: Map<string, string>;
  let bigTables: Set<string>;
  let sent: Map<string, ReadStatement[]>;
  beforeAll(async () => {
    server = await startTestServer({ dataset: scale, poolSize: 2 });
    client = new pg.Client({ connectionString: server.database.url });
    await client.connect();
    await client.query("ANALYZE");
    const { rows } = await client.query<{ index: string; table: string }>(
      `SELECT i.relname AS index, t.relname AS "table"
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = 'public'::regnamespace`,
    );
    tableOfIndex = new Map(rows.map((row) => [row.index, row.table]));
    const tables = await client.query<{ table: string }>(
      `SELECT relname AS "table" FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND reltuples >= $1`,
      [BIG_TABLE_ROWS],
    );
    bigTables = new Set(tables.rows.map((row) => row.table));
    sent = await statementsSent(server.url, [
      ...INTRANET_OPERATIONS.map(({ query, variables }) => ({ query, variables })),
      { query: SWEEP },
      { query: KNOWLEDGE_SWEEP },
      await byIdRequest(server),
    ]);
  });
  afterAll(async () => {
    await client?.end();
    await server?.stop();
  });

  /** The plan as run, as text, for failure messages. */
  async function explainAnalyze(text: string, values: unknown[]): Promise<string[]> {
    const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${text}`, values);
    return rows.map((row) => row["QUERY PLAN"]);
  }

  it("has the membership exclusion constraints lead with group_id, the column members are read by", async () => {
    const { rows } = await client.query<{ name: string; definition: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE contype = 'x' AND conrelid = 'membership'::regclass ORDER BY conname`,
    );
    expect(rows.map((row) => row.name)).toEqual(["kg_membership_no_overlap", "kg_membership_one_chair"]);
    for (const { definition } of rows) expect(definition).toMatch(/^EXCLUDE USING gist \(group_id WITH =/);
  });

  if (scale === 10)
    it("has the big tables it guards", () => {
      expect([...bigTables].sort()).toEqual(expect.arrayContaining(["membership", "person", "person_contact"]));
    });

  it("names only indexes that exist, on the tables they index", () => {
    for (const lookup of LOOKUPS)
      for (const [table, indexes] of Object.entries(lookup.indexes))
        for (const index of typeof indexes === "string" ? [indexes] : indexes)
          expect([lookup.name, index, tableOfIndex.get(index)]).toEqual([lookup.name, index, table]);
  });

  it("sees every look-up sent by the operations, and every statement they send has a look-up", () => {
    const planned = new Set(LOOKUPS.map((lookup) => lookup.reads));
    const loaderStatements = [...sent.keys()].filter((name) => !NOT_LOOKUPS[name]);
    expect(loaderStatements.filter((name) => !planned.has(name))).toEqual([]);
    expect([...planned].filter((name) => !sent.has(name))).toEqual([]);
  });

  it("sees each look-up with a period both for a day and for every period", () => {
    const withPeriods = [
      "memberships_by_group",
      "memberships_by_person",
      "memberships_by_representing_organisation",
      "groups_by_municipality",
    ];
    for (const name of withPeriods) expect([name, sent.get(name)?.length]).toEqual([name, 2]);
  });

  it("reads a sync's existing memberships (through its cursor) and its people by key, never a big table whole", async () => {
    // A region's nightly list: the scope's groups, 2 000 of the source's membership ids and the
    // people's keys, as the sync sends them.
    const scope = (await client.query<{ id: string }>(GROUPS_OF_VASTERNORRLAND)).rows.map((row) => row.id);
    const { rows: listed } = await client.query<{ source: string; membership: string; person: string; hsa: string }>(
      `SELECT m.source_system AS source, m.external_id AS membership, p.external_id AS person, p.hsa_id AS hsa
         FROM membership m JOIN person p ON p.id = m.person_id
        WHERE m.source_system IS NOT NULL AND p.external_id IS NOT NULL AND p.hsa_id IS NOT NULL
          AND m.source_system = (SELECT source_system FROM membership WHERE source_system IS NOT NULL LIMIT 1)
        LIMIT 2000`,
    );
    expect(listed.length).toBeGreaterThan(100);
    const source = listed[0]!.source;
    const statements = [
      // A cursor is planned for its first rows (cursor_tuple_fraction): a plan that filters a
      // scanned table row by row looks cheap to it.
      existingMembershipsQuery(
        scope,
        source,
        listed.map((row) => row.membership),
      ),
      peopleByKeysQuery(
        source,
        listed.map((row) => row.person),
        listed.map((row) => row.hsa),
      ),
    ];
    const indexes = {
      membership: ["membership_pkey", "membership_source_system_external_id_key", ...MEMBERS_OF_GROUP],
      person: ["person_pkey", "person_source_system_external_id_key", "person_hsa_id_key"],
      governance_group: GROUP_BY_ID,
    };
    const problems: string[] = [];
    for (const [index, statement] of statements.entries()) {
      const text = index === 0 ? `DECLARE sync_plan_check NO SCROLL CURSOR FOR ${statement.text}` : statement.text;
      const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) ${text}`,
        statement.values,
      );
      const found = planProblems(tableReads(rows[0]!["QUERY PLAN"][0].Plan, tableOfIndex), indexes, bigTables);
      if (found.length) problems.push(...found, text);
    }
    expect(problems).toEqual([]);
  });

  it.each(LOOKUPS)("$name", async (lookup) => {
    const keys = (
      await client.query<{ key: string }>(`SELECT DISTINCT k::text AS key FROM (${lookup.keys}) AS keys(k)`)
    ).rows.map((row) => row.key);
    expect(keys.length).toBeGreaterThan(0);
    const statements = sent.get(lookup.reads) ?? [];
    expect([lookup.reads, statements.length > 0]).toEqual([lookup.reads, true]);
    const problems: string[] = [];
    for (const statement of statements) {
      const values = withKeys(statement, keys);
      const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) ${statement.text}`,
        values,
      );
      const found = planProblems(tableReads(rows[0]!["QUERY PLAN"][0].Plan, tableOfIndex), lookup.indexes, bigTables);
      // A failure shows the statement and the plan as run: what the planner chose instead and what it cost.
      if (found.length) problems.push(...found, statement.text, ...(await explainAnalyze(statement.text, values)));
    }
    expect(problems).toEqual([]);
  });
});
