import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import { applicationSchema as buildGraphQLSchema } from "../src/app";
import { toGlobalId } from "../src/graphql/global-id";
import { typeNameOfKind } from "../src/modules/governance/governance.types";
import { gql, startTestServer, type GraphQLResponse, type TestServer } from "./support/test-server";

/**
 * Every argument and input field of every query and mutation, found in the built schema, gets
 * hostile values: NUL, a lone surrogate, an over-long string or list, a date out of range, a value
 * of the wrong type or shape. Each must be refused as BAD_USER_INPUT naming the argument (or a
 * documented alternative), never INTERNAL_SERVER_ERROR, and the server must still answer
 * /healthz at once. A new argument is covered as soon as it is in the schema.
 */

/** Longer than any bound on a string and bigger than any bound on a list (the sync's 50 000 rows). */
const OVERSIZE = 50_001;
const HEALTHZ_MS = 100;

type PathPart = string | number;

/** Query, Mutation, or an object type whose field is reached through `node(id:)`. */
type Root = string;

interface Position {
  root: Root;
  field: GraphQLField<unknown, unknown>;
  /** Argument name, then input-field names and list indices. */
  path: PathPart[];
  type: GraphQLInputType;
}

interface HostileValue {
  label: string;
  value: unknown;
  /** Also sent as a literal in the document, not only as a variable. */
  literal: boolean;
}

interface Fixtures {
  knowledgeSupportId: string;
  knowledgeSupportSlug: string;
  implementationId: string;
  followUpId: string;
  personId: string;
  groupId: string;
  membershipId: string;
  organisationId: string;
}

let server: TestServer;
let schema: GraphQLSchema;
let fixtures: Fixtures;
let allScopes: Record<string, string>;
let healthz: string;
/** A global ID of a record of each object type that has fields with arguments. */
const nodeIds = new Map<string, string>();

beforeAll(async () => {
  schema = await buildGraphQLSchema();
  server = await startTestServer();
  healthz = server.url.replace(/\/graphql$/, "/healthz");
  allScopes = await server.keyHeaders(["read", "read:contact", "write", "admin"]);
  const person = await server.prisma.person.create({ data: { givenName: "Hostile", familyName: "Fixture" } });
  const group = await server.prisma.group.findFirstOrThrow({ where: { slug: "lpo-22-psykisk-halsa" } });
  const organisation = await server.prisma.organisation.findFirstOrThrow({ where: { countyCode: "22" } });
  const membership = await server.prisma.membership.create({
    data: {
      personId: person.id,
      groupId: group.id,
      role: "MEMBER",
      representingOrganisationId: organisation.id,
      validFrom: new Date("2024-01-01"),
    },
  });
  fixtures = {
    knowledgeSupportId: "",
    knowledgeSupportSlug: "",
    implementationId: "",
    followUpId: "",
    personId: toGlobalId("Person", person.id),
    groupId: toGlobalId(typeNameOfKind(group.kind), group.id),
    membershipId: toGlobalId("Membership", membership.id),
    organisationId: toGlobalId("Organisation", organisation.id),
  };
  const created = await gql<{ createGroup: { id: string } }>(
    server.url,
    "mutation ($input: CreateGroupInput!) { createGroup(input: $input) { id } }",
    { input: { slug: "lag-22-hostile-fixture", kind: "LAG", name: "LAG hostile fixture", parent: fixtures.groupId } },
    allScopes,
  );
  expect(created.errors).toBeUndefined();
  // A group of each type, with a member: an in-memory list checks a cursor against the keys it holds.
  for (const other of await server.prisma.group.findMany({ distinct: ["kind"], orderBy: { slug: "asc" } })) {
    const typeName = typeNameOfKind(other.kind);
    if (nodeIds.has(typeName)) continue;
    nodeIds.set(typeName, toGlobalId(typeName, other.id));
    if (other.id !== group.id)
      await server.prisma.membership.create({
        data: { personId: person.id, groupId: other.id, role: "MEMBER", validFrom: new Date("2024-01-01") },
      });
  }
  const municipality = await server.prisma.municipality.findFirstOrThrow({ where: { code: "2281" } });
  nodeIds.set("Municipality", toGlobalId("Municipality", municipality.id));
  const region = await server.prisma.region.findUniqueOrThrow({ where: { countyCode: "22" } });
  nodeIds.set("Region", toGlobalId("Region", region.id));
  const knowledgeSupport = await server.prisma.knowledgeSupport.findFirstOrThrow({ orderBy: { slug: "asc" } });
  nodeIds.set("KnowledgeSupport", toGlobalId("KnowledgeSupport", knowledgeSupport.id));
  const implementation = await server.prisma.implementation.create({
    data: {
      knowledgeSupportId: knowledgeSupport.id,
      countyCode: "22",
      statuses: { create: [{ status: "DECIDED", validFrom: new Date("2024-01-01") }] },
    },
  });
  nodeIds.set("Implementation", toGlobalId("Implementation", implementation.id));
  const followUp = await server.prisma.followUp.create({
    data: { knowledgeSupportId: knowledgeSupport.id, indicator: "Hostile fixture", dataSource: "Register" },
  });
  nodeIds.set("FollowUp", toGlobalId("FollowUp", followUp.id));
  fixtures.knowledgeSupportId = nodeIds.get("KnowledgeSupport")!;
  fixtures.knowledgeSupportSlug = knowledgeSupport.slug;
  fixtures.implementationId = nodeIds.get("Implementation")!;
  fixtures.followUpId = nodeIds.get("FollowUp")!;
  nodeIds.set("Person", fixtures.personId);
  nodeIds.set("Organisation", fixtures.organisationId);
});

/**
 * The fields with arguments of every object type but Query and Mutation. A field an interface
 * declares is resolved alike for every type that implements it, so it is tried through one of them.
 */
function nestedFields(): { root: Root; field: GraphQLField<unknown, unknown> }[] {
  const seen = new Set<string>();
  return Object.values(schema.getTypeMap())
    .filter(
      (type): type is GraphQLObjectType =>
        isObjectType(type) &&
        !type.name.startsWith("__") &&
        type !== schema.getQueryType() &&
        type !== schema.getMutationType(),
    )
    .flatMap((type) =>
      Object.values(type.getFields()).flatMap((field) => {
        const declaredBy =
          type.getInterfaces().find((candidate) => candidate.getFields()[field.name])?.name ?? type.name;
        if (field.args.length === 0 || seen.has(`${declaredBy}.${field.name}`)) return [];
        seen.add(`${declaredBy}.${field.name}`);
        return [{ root: type.name, field }];
      }),
    );
}

afterAll(async () => {
  await server?.stop();
});

// ---- valid values, so that the hostile value is the only thing wrong with a request ----

/** A valid value for a required scalar or enum, by the name of its argument or field. */
function validLeaf(position: Pick<Position, "root" | "field" | "path">, typeName: string): unknown {
  const name = String([...position.path].reverse().find((part) => typeof part === "string"));
  const parent = position.path.filter((part) => typeof part === "string").at(-2);
  switch (typeName) {
    case "ID": {
      if (name === "person") return fixtures.personId;
      if (name === "group") return fixtures.groupId;
      if (name === "representing") return fixtures.organisationId;
      if (name === "knowledgeSupport") return fixtures.knowledgeSupportId;
      if (name === "followUp") return fixtures.followUpId;
      const byField: Record<string, string> = {
        updateKnowledgeSupport: fixtures.knowledgeSupportId,
        updateImplementation: fixtures.implementationId,
        updateFollowUp: fixtures.followUpId,
        updateGroup: fixtures.groupId,
        dissolveGroup: fixtures.groupId,
        updateMembership: fixtures.membershipId,
        endMembership: fixtures.membershipId,
        updateOrganisation: fixtures.organisationId,
      };
      return byField[position.field.name] ?? fixtures.personId;
    }
    case "String": {
      if (SYNC_FIELDS.has(position.field.name)) {
        if (name === "group" || name === "groups") return "lpo-22-psykisk-halsa";
        if (name === "sourceSystem") return "hostile-test";
        if (name === "externalId") return parent === "person" ? "person-1" : "row-1";
        // Row cells are text as the source has them (see SyncMembershipInput).
        if (name === "role") return "MEMBER";
        if (name === "validFrom") return "2024-03-01";
      }
      if (SHEET_FIELDS.has(position.field.name)) {
        // Tracking-sheet cells are text as the region's sheet has them (see ImplementationStatusRowInput).
        if (name === "knowledgeSupport") return fixtures.knowledgeSupportSlug;
        if (name === "status") return "DECIDED";
        if (name === "from") return "2024-03-01";
      }
      const byName: Record<string, string> = {
        slug:
          position.field.name === "healthcareRegion"
            ? "norra"
            : position.root === "Mutation"
              ? "hostile-test"
              : "psykisk-halsa",
        npo: "psykisk-halsa",
        programArea: "psykisk-halsa",
        countyCode: "22",
        region: "22",
        code: "2281",
        query: "psyk",
        givenName: "Ada",
        familyName: "Test",
        name: "Hostile test",
        sourceSystem: "hostile-test",
        externalId: "ext-1",
      };
      return byName[name] ?? "text";
    }
    case "Int":
      // The first chunk of a freshly opened run (see `send`) goes at offset 0.
      return name === "offset" ? 0 : 1;
    case "Float":
      return 1;
    case "Boolean":
      return name === "dryRun";
    case "Date":
      return "2024-03-01";
    case "DateTime":
      return "2024-03-01T00:00:00Z";
    default:
      throw new Error(`No valid value for ${typeName} at ${position.field.name}.${position.path.join(".")}`);
  }
}

/** A valid value of `type`, with every required field and the fields a valid request needs. */
function validValue(position: Pick<Position, "root" | "field" | "path">, type: GraphQLInputType): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return [validValue({ ...position, path: [...position.path, 0] }, nullable.ofType)];
  if (isEnumType(nullable)) {
    const preferred: Record<string, string> = { role: "MEMBER", kind: "LAG", mode: "MERGE" };
    const name = String(position.path.at(-1));
    return nullable.getValues().find((value) => value.name === preferred[name])?.name ?? nullable.getValues()[0]!.name;
  }
  if (isInputObjectType(nullable)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(nullable.getFields())) {
      const needed =
        (isNonNullType(field.type) && field.defaultValue === undefined) ||
        NEEDED_OPTIONAL_FIELDS.has(`${position.field.name}:${field.name}`);
      if (needed) value[field.name] = validValue({ ...position, path: [...position.path, field.name] }, field.type);
    }
    return value;
  }
  return validLeaf(position, nullable.name);
}

/** The mutations that take sync rows. */
const SYNC_FIELDS = new Set(["syncMemberships", "startMembershipSync", "openMembershipSync", "addMembershipSyncRows"]);
/** The mutations that take tracking-sheet rows, checked cell by cell by the sync (`rows`). */
const SHEET_FIELDS = new Set(["syncImplementationStatuses"]);
/** The mutations that answer with a sync run which runs (at once, or once an opened run is started). */
const RUN_FIELDS = new Set(["startMembershipSync", "openMembershipSync", "addMembershipSyncRows"]);
const OPEN_RUN = `mutation($input: SyncMembershipsInput!) { openMembershipSync(input: $input) { id } }`;

/** A run opened with no rows, for a case of `addMembershipSyncRows` to add its chunk to. */
async function openedRun(): Promise<string> {
  const opened = await gql<{ openMembershipSync: { id: string } }>(
    server.url,
    OPEN_RUN,
    {
      input: {
        sourceSystem: "hostile-test",
        scope: { groups: ["lpo-22-psykisk-halsa"] },
        dryRun: true,
        memberships: [],
      },
    },
    allScopes,
  );
  return opened.data!.openMembershipSync.id;
}

/**
 * Optional fields a request needs to be valid: a sync needs a scope and runs as a dry run here,
 * and a sync row's cells are all nullable (a missing cell fails its row, not the request).
 */
const NEEDED_OPTIONAL_FIELDS = new Set([
  ...[...SYNC_FIELDS].flatMap((sync) =>
    ["groups", "dryRun", "externalId", "person", "givenName", "familyName", "group", "role", "validFrom"].map(
      (field) => `${sync}:${field}`,
    ),
  ),
  // A tracking sheet runs as a dry run here, and its rows' cells are all nullable.
  ...[...SHEET_FIELDS].flatMap((sheet) =>
    ["dryRun", "knowledgeSupport", "status", "from"].map((field) => `${sheet}:${field}`),
  ),
]);

function validArguments(root: Root, field: GraphQLField<unknown, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const argument of field.args) {
    if (isNonNullType(argument.type) && argument.defaultValue === undefined)
      values[argument.name] = validValue({ root, field, path: [argument.name] }, argument.type);
  }
  return values;
}

/** `values` with `value` at `path`, creating valid containers on the way. */
function withValueAt(position: Position, values: Record<string, unknown>, value: unknown): Record<string, unknown> {
  const copy = structuredClone(values);
  let container: Record<string | number, unknown> = copy;
  let type: GraphQLInputType = position.field.args.find((argument) => argument.name === position.path[0])!.type;
  for (let i = 0; i < position.path.length - 1; i++) {
    const part = position.path[i]!;
    if (container[part] === undefined || container[part] === null)
      container[part] = validValue({ ...position, path: position.path.slice(0, i + 1) }, type);
    container = container[part] as Record<string | number, unknown>;
    const nullable = getNullableType(type) as GraphQLInputType;
    const next = position.path[i + 1]!;
    type = isListType(nullable)
      ? nullable.ofType
      : isInputObjectType(nullable)
        ? nullable.getFields()[String(next)]!.type
        : type;
  }
  container[position.path.at(-1)!] = value;
  return copy;
}

// ---- positions and hostile values, from the schema ----

function positionsOf(root: Root, field: GraphQLField<unknown, unknown>): Position[] {
  const positions: Position[] = [];
  const walk = (path: PathPart[], type: GraphQLInputType, depth: number): void => {
    positions.push({ root, field, path, type });
    const nullable = getNullableType(type) as GraphQLInputType;
    if (depth > 8) throw new Error(`Input types nest too deeply at ${field.name}.${path.join(".")}`);
    if (isListType(nullable)) walk([...path, 0], nullable.ofType, depth + 1);
    else if (isInputObjectType(nullable))
      for (const inner of Object.values(nullable.getFields())) walk([...path, inner.name], inner.type, depth + 1);
  };
  for (const argument of field.args) walk([argument.name], argument.type, 0);
  return positions;
}

const cursor = (key: unknown[]): string => Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
const CURSOR_LISTS = ["groups", "audit-events", "changes", "municipalities", "search", "members", "structure-gaps"];
// Keys with too few or too many parts, parts of the wrong type, and positions beyond PostgreSQL's bigint.
const WRONG_SHAPE_CURSORS = CURSOR_LISTS.flatMap((list) => [
  cursor([list]),
  cursor([list, "x"]),
  cursor([list, 1.5]),
  cursor([list, "x", "y"]),
  cursor([list, "9223372036854775808"]),
  cursor([list, "x", "y", "z", "w", "v", "u", "t"]),
]);

function hostileValues(position: Position): HostileValue[] {
  const nullable = getNullableType(position.type) as GraphQLInputType;
  const named = getNamedType(position.type);
  const name = String(position.path.at(-1));
  if (isListType(nullable)) {
    const item = validValue(position, nullable);
    return [
      {
        label: `a list of ${OVERSIZE} items`,
        value: Array.from({ length: OVERSIZE }, () => (item as unknown[])[0]),
        literal: false,
      },
      { label: "an object for a list", value: { not: "a list" }, literal: false },
    ];
  }
  if (isInputObjectType(nullable)) {
    return [
      { label: "a string for an input object", value: "not an object", literal: false },
      {
        label: "an unknown field",
        value: { ...(validValue(position, nullable) as object), unknownField: 1 },
        literal: false,
      },
    ];
  }
  if (isEnumType(nullable)) return [{ label: "an unknown enum value", value: "NOT_A_VALUE", literal: false }];
  switch (named.name) {
    case "String":
    case "ID": {
      const values: HostileValue[] = [
        { label: "NUL", value: "ab\u0000cd", literal: true },
        { label: "a lone surrogate", value: "ab\ud800cd", literal: true },
        { label: "a lone low surrogate", value: "ab\udc00", literal: false },
        { label: `${OVERSIZE} characters`, value: "a".repeat(OVERSIZE), literal: true },
        { label: "a number", value: 42.5, literal: false },
        { label: "an object", value: { a: 1 }, literal: false },
      ];
      if (named.name === "ID")
        values.push(
          { label: "a malformed ID", value: "not-an-id", literal: true },
          {
            label: "a global ID of no record type",
            value: toGlobalId("Nothing", "00000000-0000-4000-8000-000000000000"),
            literal: true,
          },
        );
      if (["after", "before", "since"].includes(name)) {
        values.push(
          ...WRONG_SHAPE_CURSORS.map((value, index) => ({
            label: `wrong-shape cursor ${index}`,
            value,
            literal: index % 6 === 0,
          })),
        );
      }
      return values;
    }
    case "Date":
      return ["0000-01-01", "0999-12-31", "10000-01-01", "2024-02-30", "2024-1-1", "yesterday"].map((value) => ({
        label: `date ${value}`,
        value,
        literal: true,
      }));
    case "DateTime":
      return [
        "0000-01-01T00:00:00Z",
        "0999-12-31T23:59:59Z",
        "+010000-01-01T00:00:00Z",
        "2024-01-01",
        "2024-02-30T00:00:00Z",
      ].map((value) => ({ label: `time ${value}`, value, literal: true }));
    case "Int":
      return [
        { label: "-1", value: -1, literal: true },
        { label: "2^31", value: 2 ** 31, literal: false },
        { label: "1.5", value: 1.5, literal: false },
        { label: "a string", value: "1", literal: false },
      ];
    case "Float":
      return [
        { label: "-0.5", value: -0.5, literal: true },
        { label: "1e308", value: 1e308, literal: false },
        { label: "a string", value: "0.5", literal: false },
      ];
    case "Boolean":
      return [{ label: "a string", value: "true", literal: false }];
    default:
      throw new Error(
        `No hostile values for ${named.name} at ${position.field.name}.${position.path.join(".")}: add them here`,
      );
  }
}

// ---- sending a case and judging the answer ----

function selectionOf(field: GraphQLField<unknown, unknown>): string {
  return isLeafType(getNamedType(field.type)) ? "" : " { __typename }";
}

/** `value` written in GraphQL syntax, whether or not its type would accept it (graphql's astFromValue would refuse). */
function literalOf(value: unknown, type: GraphQLInputType): string {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (value === null || value === undefined) return "null";
  if (isListType(nullable))
    return Array.isArray(value)
      ? `[${value.map((item) => literalOf(item, nullable.ofType)).join(", ")}]`
      : literalOf(value, nullable.ofType);
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([name, item]) => `${name}: ${literalOf(item, fields[name]!.type)}`)
      .join(", ")}}`;
  }
  if (isEnumType(nullable)) return String(value);
  // JSON's string escapes are GraphQL's.
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** The operation calling the position's field with the arguments given: `variables` as variables, `literalArgument` written in the document. */
function documentOf(
  position: Position,
  variables: Record<string, unknown>,
  literalArgument?: { name: string; value: unknown },
): string {
  const given = position.field.args.filter(
    (argument) => argument.name in variables || argument.name === literalArgument?.name,
  );
  const definitions = given
    .filter((argument) => argument.name !== literalArgument?.name)
    .map((argument) => `$${argument.name}: ${String(argument.type)}`);
  const argumentsText = given.map((argument) => {
    if (argument.name !== literalArgument?.name) return `${argument.name}: $${argument.name}`;
    return `${argument.name}: ${literalOf(literalArgument.value, argument.type)}`;
  });
  const call = `${position.field.name}${argumentsText.length ? `(${argumentsText.join(", ")})` : ""}${selectionOf(position.field)}`;
  if (position.root === "Query" || position.root === "Mutation") {
    return `${position.root === "Query" ? "query" : "mutation"} Hostile${definitions.length ? `(${definitions.join(", ")})` : ""} { ${call} }`;
  }
  return `query Hostile(${["$hostileNode: ID!", ...definitions].join(", ")}) { node(id: $hostileNode) { ... on ${position.root} { ${call} } } }`;
}

/** A path without list indices, as both literal checks and `each` validators name it. */
const withoutIndices = (path: string): string =>
  path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((part) => !/^\d+$/.test(part))
    .join(".");

function namesPosition(fields: unknown, position: Position): boolean {
  const expected = withoutIndices(position.path.join("."));
  return (
    Array.isArray(fields) &&
    fields.some((field: { path?: string }) => typeof field.path === "string" && withoutIndices(field.path) === expected)
  );
}

/**
 * A sync row's cells (text as the source has them) are checked by the sync, which reports the row
 * as FAILED naming the field: NUL, lone surrogates, over-long text and bad dates in a row are
 * per-row errors by design, so that one bad cell of 50 000 rows cannot refuse the whole run.
 * `startMembershipSync` answers with the run; the row is then FAILED in the run's result.
 */
async function isFailedSyncRow(response: GraphQLResponse, position: Position): Promise<boolean> {
  const [input, memberships, index, ...rowPath] = position.path;
  if (SHEET_FIELDS.has(position.field.name)) return isFailedSheetRow(response, position);
  if (
    !SYNC_FIELDS.has(position.field.name) ||
    input !== "input" ||
    memberships !== "memberships" ||
    index !== 0 ||
    rowPath.length === 0
  )
    return false;
  type Result = { applied: boolean; failures: { index: number; errors: { field: string }[] }[] } | undefined;
  let result = response.data?.syncMemberships as Result;
  const run = [...RUN_FIELDS].map((name) => response.data?.[name] as { id: string } | undefined).find(Boolean);
  const opened = position.field.name !== "startMembershipSync" ? run : undefined;
  if (opened) {
    const start = await gql(
      server.url,
      "mutation($id: ID!) { startOpenedMembershipSync(id: $id) { id } }",
      { id: opened.id },
      allScopes,
    );
    if (start.errors) return false;
  }
  const started = run;
  for (let attempt = 0, finished = false; started && !finished && attempt < 200; attempt++) {
    const run = await gql<{ syncRun: { status: string; result: Result } | null }>(
      server.url,
      "query($id: ID!) { syncRun(id: $id) { status result { applied failures { index errors { field } } } } }",
      { id: started.id },
      allScopes,
    );
    result = run.data?.syncRun?.result ?? undefined;
    finished = run.data?.syncRun?.status === "SUCCEEDED" || run.data?.syncRun?.status === "FAILED";
    if (!finished) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return (
    result?.applied === false &&
    result.failures.some(
      (failure) => failure.index === 0 && failure.errors.some((error) => error.field === rowPath.join(".")),
    )
  );
}

/**
 * A tracking-sheet row's cells are checked by `syncImplementationStatuses` in the same way: a bad
 * cell fails row 0 with a failure naming the field, and the sheet is not applied.
 */
function isFailedSheetRow(response: GraphQLResponse, position: Position): boolean {
  const [input, rows, index, ...rowPath] = position.path;
  if (input !== "input" || rows !== "rows" || index !== 0 || rowPath.length !== 1) return false;
  const result = response.data?.[position.field.name] as
    { applied: boolean; failures: { index: number; field: string }[] } | undefined;
  return (
    result?.applied === false &&
    result.failures.some((failure) => failure.index === 0 && failure.field === String(rowPath[0]))
  );
}

interface Outcome {
  case: string;
  status: number;
  codes: string[];
  ok: boolean;
  healthzMs: number;
}

async function send(position: Position, hostile: HostileValue, asLiteral: boolean): Promise<Outcome> {
  const variables = withValueAt(position, validArguments(position.root, position.field), hostile.value);
  const input = variables.input;
  if (
    position.field.name === "addMembershipSyncRows" &&
    position.path[1] !== "runId" &&
    typeof input === "object" &&
    input !== null &&
    !Array.isArray(input)
  )
    (input as { runId: string }).runId = await openedRun();
  const argument = String(position.path[0]);
  const literalArgument = asLiteral ? { name: argument, value: variables[argument] } : undefined;
  if (asLiteral) delete variables[argument];
  const query = documentOf(position, variables, literalArgument);
  const sync =
    position.field.name === "syncMemberships"
      ? " failures { index errors { field } } applied"
      : SHEET_FIELDS.has(position.field.name)
        ? " failures { index field } applied"
        : RUN_FIELDS.has(position.field.name)
          ? " id"
          : "";

  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...allScopes },
    body: JSON.stringify({
      query: sync ? query.replace("{ __typename }", `{ __typename${sync} }`) : query,
      variables: { ...variables, ...hostileNodeOf(position) },
    }),
  });
  const body = (await response.json()) as GraphQLResponse;
  const healthzMs = await probeHealthz();
  const codes = (body.errors ?? []).map((error) => String(error.extensions?.code));
  const badInput = (body.errors ?? []).some(
    (error) => error.extensions?.code === "BAD_USER_INPUT" && namesPosition(error.extensions.fields, position),
  );
  const ok =
    !codes.includes("INTERNAL_SERVER_ERROR") &&
    response.status !== 500 &&
    (badInput ||
      (codes.length === 0 && (await isFailedSyncRow(body, position))) ||
      documentedAlternative(position, hostile, asLiteral, codes));
  return {
    case: `${position.root}.${position.field.name}(${position.path.join(".")}) ← ${hostile.label}${asLiteral ? " (literal)" : ""}`,
    status: response.status,
    codes,
    ok,
    healthzMs,
  };
}

/**
 * How long /healthz takes to answer. A server still busy with the request keeps every probe
 * waiting; a probe that was only unlucky with the machine's scheduler (the suite runs beside
 * other work on two cores) is tried once more.
 */
async function probeHealthz(): Promise<number> {
  let fastest = Infinity;
  for (let attempt = 0; attempt < 2 && fastest >= HEALTHZ_MS; attempt++) {
    const started = Date.now();
    const health = await fetch(healthz);
    fastest = Math.min(fastest, Date.now() - started);
    expect(health.status).toBe(200);
  }
  return fastest;
}

function hostileNodeOf(position: Position): { hostileNode?: string } {
  if (position.root === "Query" || position.root === "Mutation") return {};
  const id = nodeIds.get(position.root);
  if (!id)
    throw new Error(`No record of type ${position.root} to reach ${position.field.name} through; add one in beforeAll`);
  return { hostileNode: id };
}

/**
 * Answers other than BAD_USER_INPUT naming the argument that are right for the case:
 * a lone surrogate written in a document is not even a GraphQL string.
 */
function documentedAlternative(
  _position: Position,
  hostile: HostileValue,
  asLiteral: boolean,
  codes: string[],
): boolean {
  return asLiteral && /surrogate/.test(hostile.label) && codes.length === 1 && codes[0] === "GRAPHQL_PARSE_FAILED";
}

type Part = "Query" | "Mutation" | "fields of objects";

function fieldsOf(part: Part): { root: Root; field: GraphQLField<unknown, unknown> }[] {
  if (part === "fields of objects") return nestedFields();
  const type = part === "Query" ? schema.getQueryType()! : schema.getMutationType()!;
  return Object.values(type.getFields()).map((field) => ({ root: part, field }));
}

async function runAll(part: Part): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const { root, field } of fieldsOf(part)) {
    for (const position of positionsOf(root, field)) {
      for (const hostile of hostileValues(position)) {
        outcomes.push(await send(position, hostile, false));
        if (hostile.literal) outcomes.push(await send(position, hostile, true));
      }
    }
  }
  return outcomes;
}

async function recordCounts(): Promise<number[]> {
  const { prisma } = server;
  return Promise.all([
    prisma.person.count(),
    prisma.membership.count(),
    prisma.group.count(),
    prisma.organisation.count(),
    prisma.auditEvent.count(),
    prisma.personContact.count(),
  ]);
}

describe("hostile input in every argument and input field", () => {
  test("every position of every field with arguments is covered", () => {
    const positions = (["Query", "Mutation", "fields of objects"] as const).flatMap((part) =>
      fieldsOf(part).flatMap(({ root, field }) => positionsOf(root, field)),
    );
    // Guards against the walk silently finding nothing; hostileValues throws for a type it does not know.
    expect(positions.length).toBeGreaterThan(150);
    for (const position of positions) expect(hostileValues(position).length).toBeGreaterThan(0);
    for (const { root } of nestedFields()) expect(hostileNodeOf({ root } as Position).hostileNode).toBeDefined();
  });

  test.each(["Query", "Mutation", "fields of objects"] as const)(
    "%s: refused as BAD_USER_INPUT naming the argument, and /healthz answers at once",
    async (root) => {
      const before = await recordCounts();
      const outcomes = await runAll(root);
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([]);
      expect(outcomes.filter((outcome) => outcome.healthzMs >= HEALTHZ_MS)).toEqual([]);
      expect(outcomes.length).toBeGreaterThan(100);
      // Refused writes wrote nothing.
      expect(await recordCounts()).toEqual(before);
      expect(server.errors).toEqual([]);
    },
    // The mutations include two that take sync rows, each row cell tried; an asynchronous run is followed to its end.
    300_000,
  );
});

describe("writes are refused before their arguments are looked at", () => {
  test.each([
    ["no key", null, "UNAUTHENTICATED", 401],
    ["a read key", ["read", "read:contact", "admin"], "FORBIDDEN", 403],
  ] as const)(
    "with %s every mutation is refused before validation, whatever its input",
    async (_label, scopes, code, status) => {
      const headers = scopes ? await server.keyHeaders([...scopes]) : {};
      for (const field of Object.values(schema.getMutationType()!.getFields())) {
        const position = positionsOf("Mutation", field).find(
          (candidate) =>
            ["String", "ID"].includes(getNamedType(candidate.type).name) &&
            !isListType(getNullableType(candidate.type)),
        )!;
        // A value that would fail validation, and one the old e-mail pattern took seconds over.
        for (const value of ["ab\u0000cd", "a@" + ".".repeat(40_000) + " "]) {
          const variables = withValueAt(position, validArguments("Mutation", field), value);
          const response = await fetch(server.url, {
            method: "POST",
            headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
            body: JSON.stringify({ query: documentOf(position, variables), variables }),
          });
          const body = (await response.json()) as GraphQLResponse;
          expect({
            field: field.name,
            status: response.status,
            errors: body.errors?.map((error) => error.extensions?.code),
          }).toEqual({ field: field.name, status, errors: [code] });
          if (code === "FORBIDDEN") expect(body.errors?.[0]?.extensions?.requiredScopes).toEqual(["write"]);
          if (!scopes) expect(body.extensions?.sqlStatements).toBe(0);
        }
      }
    },
  );

  test("a key with a region's write scope gets past the early check to validation", async () => {
    const headers = await server.keyHeaders(["write:region:22"]);
    const response = await gql(
      server.url,
      "mutation ($input: CreatePersonInput!) { createPerson(input: $input) { id } }",
      { input: { givenName: "Ada", familyName: "a\u0000" } },
      headers,
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      fields: [{ path: "input.familyName" }],
    });
  });
});

describe("requests the API does not serve are client errors", () => {
  async function post(body: unknown): Promise<{ status: number; body: GraphQLResponse }> {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResponse };
  }

  test("a subscription is GRAPHQL_VALIDATION_FAILED", async () => {
    const { status, body } = await post({ query: "subscription { groups { totalCount } }" });
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("does not support subscription"),
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      }),
    ]);
  });

  test("an automatic persisted query whose hash does not match, or of an unknown version, is BAD_REQUEST", async () => {
    for (const persistedQuery of [
      { version: 1, sha256Hash: "0".repeat(64) },
      { version: 2, sha256Hash: "0".repeat(64) },
    ]) {
      const { status, body } = await post({ query: "{ __typename }", extensions: { persistedQuery } });
      expect(status).toBe(400);
      expect(body.errors).toEqual([expect.objectContaining({ extensions: { code: "BAD_REQUEST" } })]);
    }
    const unknown = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: "1".repeat(64) } } });
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }),
    ]);
    expect(server.errors).toEqual([]);
  });
});
