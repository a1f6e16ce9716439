import { loadConfig } from "../src/config";
import { gql, startTestServer, type GraphQLResponse, type TestServer } from "./support/test-server";

/**
 * Every list in the schema comes in one documented order. The test reads the schema by
 * introspection and finds every field returning a list or a connection of named things (an
 * object or interface with a `name`, or a union of such); each must come in Swedish alphabetical
 * order by name, as `Intl.Collator("sv")` has it (å, ä, ö after z), unless ORDERS below gives it
 * another documented order. Each such field is then read on every object of its type the seeded
 * structure holds, every page of a connection, and checked. A new list field fails here until it
 * is in name order or has its order written down below.
 */

const swedish = new Intl.Collator("sv");

interface Ordering {
  /** Fields read of each item. */
  select: string;
  /** The sort key of an item; compared part by part (numbers as numbers, text in Swedish order). */
  key: (item: Record<string, unknown>) => (string | number)[];
  /** The order as the field's description states it. */
  described: RegExp;
}

const LEVELS = ["NATIONAL", "HEALTHCARE_REGIONAL", "REGIONAL"];

const NAME_ORDER: Ordering = {
  select: "name",
  key: (item) => [String(item.name)],
  described: /in Swedish alphabetical order by name|by name/,
};

/** Former names: oldest first (an unknown first day first, then by last day, an unknown last day last). */
const FORMER_NAME_ORDER: Ordering = {
  select: "name validFrom validTo",
  key: (item) => [String(item.validFrom ?? ""), String(item.validTo ?? "9999-12-31"), String(item.name)],
  described: /oldest first/,
};

/** Lists of named things in an order of their own: the order, or the reason they are not read here. */
const ORDERS: Record<string, Ordering | { unchecked: string }> = {
  ...Object.fromEntries(
    [
      "HealthcareRegion",
      "Organisation",
      "NationalProgramArea",
      "NationalCollaborationGroup",
      "RegionalProgramArea",
      "LocalProgramArea",
      "WorkingGroup",
      "GovernanceBody",
    ].map((type) => [`${type}.formerNames`, FORMER_NAME_ORDER]),
  ),
  "Municipality.groups": {
    select: "name level",
    key: (item) => [LEVELS.indexOf(String(item.level)), String(item.name)],
    described: /National first, then healthcare-regional, then regional; by name/,
  },
  "Query.search": { unchecked: "ranked by relevance to the query (tests/read-api.test.ts)" },
};

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface IntrospectedField {
  name: string;
  description: string | null;
  args: { name: string; type: TypeRef; defaultValue: string | null }[];
  type: TypeRef;
}
interface IntrospectedType {
  kind: string;
  name: string;
  fields: IntrospectedField[] | null;
  interfaces: { name: string }[] | null;
  possibleTypes: { name: string }[] | null;
}

const TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }";

function named(type: TypeRef): TypeRef {
  return type.ofType ? named(type.ofType) : type;
}
function isList(type: TypeRef): boolean {
  return type.kind === "LIST" || (type.kind === "NON_NULL" && type.ofType !== null && isList(type.ofType));
}

let server: TestServer;
let types: Map<string, IntrospectedType>;

beforeAll(async () => {
  const defaults = loadConfig({}).queryLimits;
  // With the generated data set: working groups (NAG, RAG, LAG) exist only there.
  server = await startTestServer({ dataset: 1, config: { queryLimits: { ...defaults, maxCost: 10_000_000 } } });
  const { data } = await gql<{ __schema: { types: IntrospectedType[] } }>(
    server.url,
    `{ __schema { types { kind name interfaces { name } possibleTypes { name }
        fields(includeDeprecated: true) { name description args { name defaultValue type { ${TYPE_REF} } } type { ${TYPE_REF} } } } } }`,
  );
  types = new Map(data!.__schema.types.map((type) => [type.name, type]));
});
afterAll(() => server?.stop());

/** Whether items of this type have a name: an object or interface with `name`, or a union of such. */
function hasName(typeName: string): boolean {
  const type = types.get(typeName)!;
  if (type.kind === "UNION") return (type.possibleTypes ?? []).every((member) => hasName(member.name));
  return (type.fields ?? []).some((field) => field.name === "name");
}

interface ListField {
  parent: string;
  field: IntrospectedField;
  connection: boolean;
}

/** Every field of an object type returning a list, or a connection, of named things. */
function namedListFields(): ListField[] {
  const found: ListField[] = [];
  for (const type of types.values()) {
    if (type.kind !== "OBJECT" || type.name.startsWith("__") || type.name === "Mutation") continue;
    if (type.name.endsWith("Connection") || type.name.endsWith("Edge")) continue;
    for (const field of type.fields ?? []) {
      const target = named(field.type).name!;
      const targetType = types.get(target)!;
      const nodes = targetType.name.endsWith("Connection")
        ? targetType.fields?.find((candidate) => candidate.name === "nodes")
        : undefined;
      if (nodes && hasName(named(nodes.type).name!)) found.push({ parent: type.name, field, connection: true });
      else if (isList(field.type) && targetType.kind !== "SCALAR" && targetType.kind !== "ENUM" && hasName(target))
        found.push({ parent: type.name, field, connection: false });
    }
  }
  return found;
}

function compareKeys(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const order = typeof x === "number" && typeof y === "number" ? x - y : swedish.compare(String(x), String(y));
    if (order !== 0) return order;
  }
  return 0;
}

/** The first place where a list is out of order, or undefined. */
function disorder(items: Record<string, unknown>[], ordering: Ordering): string | undefined {
  for (let i = 1; i < items.length; i++) {
    if (compareKeys(ordering.key(items[i - 1]!), ordering.key(items[i]!)) > 0)
      return `${JSON.stringify(items[i - 1])} before ${JSON.stringify(items[i])}`;
  }
  return undefined;
}

/** The global IDs of every object of each type the seeded structure holds (those `node` can fetch). */
async function objectIds(): Promise<Map<string, string[]>> {
  const ids = new Map<string, string[]>();
  const add = (items: { __typename: string; id: string }[]) => {
    for (const item of items) ids.set(item.__typename, [...(ids.get(item.__typename) ?? []), item.id]);
  };
  const roots = await gql<Record<string, { __typename: string; id: string }[]>>(
    server.url,
    `{ regions { __typename id } healthcareRegions { __typename id } agencies { __typename id } }`,
  );
  for (const items of Object.values(roots.data!)) add(items);
  for (const [query, connection] of [
    ["municipalities(first: 100, after: $after)", "municipalities"],
    ["groups(first: 100, after: $after, filter: { activeOn: null })", "groups"],
    ["knowledgeSupports(first: 100, after: $after)", "knowledgeSupports"],
  ] as const) {
    let after: string | null = null;
    for (;;) {
      const page: {
        data?: Record<string, { nodes: { __typename: string; id: string }[]; pageInfo: PageInfo }> | null;
      } = await gql(
        server.url,
        `query($after: String) { ${query} { nodes { __typename id } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      add(page.data![connection]!.nodes);
      if (!page.data![connection]!.pageInfo.hasNextPage) break;
      after = page.data![connection]!.pageInfo.endCursor;
    }
  }
  // Implementations, through the knowledge support they implement.
  for (const supportId of ids.get("KnowledgeSupport") ?? []) {
    const found = await gql<{ node: { implementations: { __typename: string; id: string }[] } }>(
      server.url,
      `query($id: ID!) { node(id: $id) { ... on KnowledgeSupport { implementations { __typename id } } } }`,
      { id: supportId },
    );
    add(found.data!.node.implementations);
  }
  return ids;
}

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}
type Page = { nodes: Record<string, unknown>[]; pageInfo: PageInfo };

/** Objects that are not nodes, and how to reach some of them. */
const NOT_NODES: Record<string, string[]> = {
  GovernanceChain: [
    `governanceChain(npo: "psykisk-halsa", region: "13")`,
    `governanceChain(npo: "psykisk-halsa", region: "22")`,
    `governanceChain(npo: "aldres-halsa-och-palliativ-vard", region: "01")`,
  ],
};

/** The arguments a list field is read with: every period where it takes a day, pages of 100 of a connection. */
function argumentsOf(field: IntrospectedField, connection: boolean): string {
  const required = field.args.filter((arg) => arg.type.kind === "NON_NULL" && arg.defaultValue === null);
  if (required.length > 0)
    throw new Error(`${field.name} needs ${required.map((arg) => arg.name).join(", ")}: give its order in ORDERS`);
  const args = [
    ...(field.args.some((arg) => arg.name === "activeOn") ? ["activeOn: null"] : []),
    ...(connection ? ["first: 100", "after: $after"] : []),
  ];
  return args.length > 0 ? `(${args.join(", ")})` : "";
}

describe("the order of lists", () => {
  it("finds the schema's lists of named things, and each says its order", () => {
    const fields = namedListFields().map(({ parent, field }) => `${parent}.${field.name}`);
    // The lists that came in another order before, and the connections, are among them.
    expect(fields).toEqual(
      expect.arrayContaining([
        "Region.localProgramAreas",
        "HealthcareRegion.regionalProgramAreas",
        "Query.groups",
        "Query.nationalProgramAreas",
        "Query.municipalities",
        "Municipality.groups",
      ]),
    );
    const undescribed = namedListFields().filter(({ parent, field }) => {
      const ordering = ORDERS[`${parent}.${field.name}`] ?? NAME_ORDER;
      return "described" in ordering && !ordering.described.test(field.description ?? "");
    });
    expect(undescribed.map(({ parent, field }) => `${parent}.${field.name}: ${field.description}`)).toEqual([]);
  });

  it("gives every list of named things in Swedish alphabetical order by name, or in the order it documents", async () => {
    const ids = await objectIds();
    const problems: string[] = [];
    let checkedLists = 0;
    let differsFromByteOrder = 0;
    for (const { parent, field, connection } of namedListFields()) {
      const name = `${parent}.${field.name}`;
      const ordering = ORDERS[name] ?? NAME_ORDER;
      if ("unchecked" in ordering) continue;
      const select = connection
        ? `${field.name}${argumentsOf(field, true)} { nodes { ${ordering.select} } pageInfo { hasNextPage endCursor } }`
        : `${field.name}${argumentsOf(field, false)} { ${ordering.select} }`;
      const lists: Record<string, unknown>[][] = [];
      if (parent === "Query") {
        if (connection) {
          const items: Record<string, unknown>[] = [];
          let after: string | null = null;
          for (;;) {
            const { data, errors }: GraphQLResponse<Record<string, Page>> = await gql<Record<string, Page>>(
              server.url,
              `query($after: String) { ${select} }`,
              { after },
            );
            expect({ name, errors }).toEqual({ name, errors: undefined });
            items.push(...data![field.name]!.nodes);
            if (!data![field.name]!.pageInfo.hasNextPage) break;
            after = data![field.name]!.pageInfo.endCursor;
          }
          lists.push(items);
        } else {
          const { data, errors } = await gql<Record<string, Record<string, unknown>[]>>(server.url, `{ ${select} }`);
          expect({ name, errors }).toEqual({ name, errors: undefined });
          lists.push(data![field.name]!);
        }
      } else if (NOT_NODES[parent]) {
        for (const root of NOT_NODES[parent]) {
          const { data, errors } = await gql<{ root: Record<string, Record<string, unknown>[]> }>(
            server.url,
            `query${connection ? "($after: String)" : ""} { root: ${root} { ${select} } }`,
            connection ? { after: null } : {},
          );
          expect({ name, root, errors, found: data?.root != null }).toEqual({
            name,
            root,
            errors: undefined,
            found: true,
          });
          lists.push(
            connection
              ? (data!.root[field.name] as unknown as { nodes: Record<string, unknown>[] }).nodes
              : data!.root[field.name]!,
          );
        }
      } else {
        const objects = ids.get(parent) ?? [];
        if (objects.length === 0) problems.push(`${name}: no ${parent} to read it on (add a way to reach one)`);
        for (let start = 0; start < objects.length; start += 100) {
          const { data, errors } = await gql<{ nodes: Record<string, unknown>[] }>(
            server.url,
            `query($ids: [ID!]!${connection ? ", $after: String" : ""}) { nodes(ids: $ids) { ... on ${parent} { ${select} } } }`,
            { ids: objects.slice(start, start + 100), ...(connection ? { after: null } : {}) },
          );
          expect({ name, errors }).toEqual({ name, errors: undefined });
          for (const object of data!.nodes) {
            const value = object[field.name];
            // A connection's first page of 100 is its whole list for every object here.
            if (connection) {
              const page = value as { nodes: Record<string, unknown>[]; pageInfo: PageInfo };
              expect({ name, more: page.pageInfo.hasNextPage }).toEqual({ name, more: false });
              lists.push(page.nodes);
            } else lists.push(value as Record<string, unknown>[]);
          }
        }
      }
      for (const items of lists) {
        const problem = disorder(items, ordering);
        if (problem) problems.push(`${name}: ${problem}`);
        if (items.length > 1) checkedLists++;
        // Plain byte order (what the database's C collation gives) differs from Swedish order here.
        const names = items.map((item) => String(item.name));
        if (names.join("\n") !== [...names].sort().join("\n")) differsFromByteOrder++;
      }
    }
    expect(problems).toEqual([]);
    expect(checkedLists).toBeGreaterThan(300);
    // The check can tell Swedish order from byte order: many lists differ between the two.
    expect(differsFromByteOrder).toBeGreaterThan(10);
  });

  it("pages the groups and the municipalities in Swedish order across pages: Å, Ä and Ö last", async () => {
    const read = async (query: string, list: string, variables: Record<string, unknown>) =>
      (
        await gql<Record<string, { nodes: { name: string }[]; pageInfo: PageInfo & { startCursor: string | null } }>>(
          server.url,
          query,
          variables,
        )
      ).data![list]!;
    for (const list of ["groups", "municipalities"]) {
      const all: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await read(
          `query($after: String) { ${list}(first: 7, after: $after) { nodes { name } pageInfo { hasNextPage endCursor startCursor } } }`,
          list,
          { after },
        );
        all.push(...page.nodes.map((node) => node.name));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(all).toEqual([...all].sort(swedish.compare));
      expect(all.length).toBeGreaterThan(100);
      // Names starting with Å, Ä and Ö come last, in that order.
      const initials = all.map((name) => name[0]!.toUpperCase()).filter((initial) => "ÅÄÖ".includes(initial));
      expect(initials).toEqual([...initials].sort(swedish.compare));
      expect(all.slice(-initials.length).map((name) => name[0]!.toUpperCase())).toEqual(initials);
    }
  });
});
