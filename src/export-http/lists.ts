import type { Cell } from "./csv";

/** Runs one GraphQL operation of the export for the current caller; its data, or an ExportError. */
export type RunQuery = (query: string, variables: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** A list of the export: its columns and how its rows are read through the GraphQL schema. */
export interface ExportList {
  /** Its name in metrics, e.g. `members`. */
  name: string;
  /** The route without the format suffix, e.g. `/groups/:slug/members`. */
  path: string;
  /** Query parameters it takes besides `delimiter`. */
  parameters: readonly string[];
  /** The columns, in order; the contact columns only for callers who may read them. */
  columns(contact: boolean): readonly string[];
  rows(run: RunQuery, request: ListRequest): Promise<Cell[][]>;
}

export interface ListRequest {
  /** The route's path parameters (`slug`, `countyCode`). */
  path: Record<string, string>;
  /** The query parameters, checked (see ./parameters.ts). */
  query: Record<string, string | string[] | null | undefined>;
  /** Whether the caller has `read:contact`. */
  contact: boolean;
}

/** Thrown when a list's subject does not exist (a group or region named in the path). */
export class ListNotFound extends Error {}

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Every page of a connection, 100 at a time (the API's largest page). */
async function allPages<Node>(
  run: RunQuery,
  query: string,
  variables: Record<string, unknown>,
  connection: (data: Record<string, unknown>) => { nodes: Node[]; pageInfo: PageInfo } | null,
  missing: string,
): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null = null;
  for (;;) {
    const page = connection(await run(query, { ...variables, after }));
    if (!page) throw new ListNotFound(missing);
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || page.pageInfo.endCursor === null) return nodes;
    after = page.pageInfo.endCursor;
  }
}

const GROUP_FIELDS = `slug name shortName kind level validFrom validTo municipalParticipation
  region { countyCode } healthcareRegion { slug } parent { slug } programAreas { slug } host { slug }`;

interface GroupNode {
  slug: string;
  name: string;
  shortName: string | null;
  kind: string;
  level: string;
  validFrom: string | null;
  validTo: string | null;
  municipalParticipation: boolean;
  region: { countyCode: string } | null;
  healthcareRegion: { slug: string } | null;
  parent: { slug: string } | null;
  programAreas: { slug: string }[];
  host: { slug: string } | null;
}

const GROUP_COLUMNS = [
  "slug",
  "name",
  "shortName",
  "kind",
  "level",
  "region",
  "healthcareRegion",
  "programAreas",
  "parent",
  "host",
  "municipalParticipation",
  "validFrom",
  "validTo",
] as const;

function groupCells(group: GroupNode): Cell[] {
  return [
    group.slug,
    group.name,
    group.shortName,
    group.kind,
    group.level,
    group.region?.countyCode ?? null,
    group.healthcareRegion?.slug ?? null,
    // Several values in one cell are separated by a space: slugs hold none.
    group.programAreas.map((area) => area.slug).join(" "),
    group.parent?.slug ?? null,
    group.host?.slug ?? null,
    group.municipalParticipation,
    group.validFrom,
    group.validTo,
  ];
}

const GROUPS_QUERY = `query ExportGroups($filter: GroupFilter, $after: String) {
  groups(filter: $filter, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { ${GROUP_FIELDS} }
  }
}`;

type Connection<Node> = { nodes: Node[]; pageInfo: PageInfo } | null;

function listOf(value: string | string[] | null | undefined): string[] | undefined {
  return value == null ? undefined : Array.isArray(value) ? value : [value];
}

/** `GET /export/groups.{csv,json}`: the `groups` query with its filter, every page. */
const groups: ExportList = {
  name: "groups",
  path: "/groups",
  parameters: ["kind", "level", "region", "healthcareRegion", "municipality", "programArea", "activeOn"],
  columns: () => GROUP_COLUMNS,
  async rows(run, { query }) {
    const filter = {
      kind: listOf(query.kind),
      level: listOf(query.level),
      region: query.region ?? undefined,
      healthcareRegion: query.healthcareRegion ?? undefined,
      municipality: query.municipality ?? undefined,
      npo: query.programArea ?? undefined,
      activeOn: query.activeOn,
    };
    const nodes = await allPages(
      run,
      GROUPS_QUERY,
      { filter },
      (data) => data.groups as Connection<GroupNode>,
      "groups",
    );
    return nodes.map(groupCells);
  },
};

interface MemberNode {
  role: string;
  validFrom: string;
  validTo: string | null;
  person: {
    givenName: string;
    familyName: string;
    title: string | null;
    hsaId: string | null;
    email?: string | null;
    phone?: string | null;
  };
  representing: { slug: string; name: string } | null;
}

const MEMBERS_QUERY = `query ExportMembers($slug: String!, $activeOn: Date, $after: String, $contact: Boolean!) {
  group(slug: $slug) {
    members(activeOn: $activeOn, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        role validFrom validTo
        person { givenName familyName title hsaId email @include(if: $contact) phone @include(if: $contact) }
        representing { slug name }
      }
    }
  }
}`;

/** `GET /export/groups/{slug}/members.{csv,json}`: a group's members on a day, as `members` lists them. */
const members: ExportList = {
  name: "members",
  path: "/groups/:slug/members",
  parameters: ["activeOn"],
  columns: (contact) => [
    "role",
    "givenName",
    "familyName",
    "title",
    "hsaId",
    ...(contact ? ["email", "phone"] : []),
    "representing",
    "representingName",
    "validFrom",
    "validTo",
  ],
  async rows(run, { path, query, contact }) {
    const variables: Record<string, unknown> = { slug: path.slug, contact };
    // Absent: today, as in GraphQL; `all`: every period (GraphQL's null).
    if (query.activeOn !== undefined) variables.activeOn = query.activeOn;
    const nodes = await allPages(
      run,
      MEMBERS_QUERY,
      variables,
      (data) => (data.group as { members: Connection<MemberNode> } | null)?.members ?? null,
      `There is no group with the slug "${path.slug}"`,
    );
    return nodes.map((member) => [
      member.role,
      member.person.givenName,
      member.person.familyName,
      member.person.title,
      member.person.hsaId,
      ...(contact ? [member.person.email ?? null, member.person.phone ?? null] : []),
      member.representing?.slug ?? null,
      member.representing?.name ?? null,
      member.validFrom,
      member.validTo,
    ]);
  },
};

const REGION_QUERY = `query ExportRegion($countyCode: String!) {
  region(countyCode: $countyCode) {
    countyCode slug name
    healthcareRegions { slug name }
    municipalities { code name }
  }
}`;

interface RegionNode {
  countyCode: string;
  slug: string;
  name: string;
  healthcareRegions: { slug: string; name: string }[];
  municipalities: { code: string; name: string }[];
}

const STRUCTURE_COLUMNS = ["type", "code", "slug", "name", "kind", "programAreas", "parent", "host"] as const;

/**
 * `GET /export/regions/{countyCode}/structure.{csv,json}`: the region, its healthcare region(s),
 * its municipalities and the bodies working in it (the `groups` filter `region`) on a day.
 */
const structure: ExportList = {
  name: "structure",
  path: "/regions/:countyCode/structure",
  parameters: ["activeOn"],
  columns: () => STRUCTURE_COLUMNS,
  async rows(run, { path, query }) {
    const region = (await run(REGION_QUERY, { countyCode: path.countyCode })).region as RegionNode | null;
    if (!region) throw new ListNotFound(`There is no region with the länskod "${path.countyCode}"`);
    const bodies = await allPages(
      run,
      GROUPS_QUERY,
      { filter: { region: region.countyCode, activeOn: query.activeOn } },
      (data) => data.groups as Connection<GroupNode>,
      "groups",
    );
    return [
      ["REGION", region.countyCode, region.slug, region.name, null, null, null, null],
      ...region.healthcareRegions.map((hr): Cell[] => [
        "HEALTHCARE_REGION",
        null,
        hr.slug,
        hr.name,
        null,
        null,
        null,
        null,
      ]),
      ...region.municipalities.map((mu): Cell[] => ["MUNICIPALITY", mu.code, null, mu.name, null, null, null, null]),
      ...bodies.map((group): Cell[] => [
        "GROUP",
        null,
        group.slug,
        group.name,
        group.kind,
        group.programAreas.map((area) => area.slug).join(" "),
        group.parent?.slug ?? null,
        group.host?.slug ?? null,
      ]),
    ];
  },
};

/** The lists of the export, each served as `.csv` and `.json` under /export. */
export const EXPORT_LISTS: readonly ExportList[] = [groups, members, structure];
