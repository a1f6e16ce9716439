/**
 * The floor the read benchmark compares the API with: a bare node:http server over pg that
 * answers each intranet operation of bench/queries.ts with one hand-written SQL statement, which
 * builds the whole answer as JSON in PostgreSQL (json_build_object, json_agg). No GraphQL, no
 * validation, no loaders, no access control: what serving these answers costs at least on this
 * database. The benchmark checks that each answer equals the API's `data` before timing.
 *
 *   POST /<operation name>  →  {"data": …, "extensions": {"sqlStatements": 1}}
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";

/** "In force on day $n" for a table alias: the rule of src/db/period.ts, written out for the floor's own SQL. */
function inForce(alias: string, day: string): string {
  return `((${alias}.valid_from IS NULL OR ${alias}.valid_from <= ${day}) AND (${alias}.valid_to IS NULL OR ${alias}.valid_to >= ${day}))`;
}

/** Names are ordered as the API orders them in memory (Intl.Collator("sv")). */
const SV = `COLLATE "sv-x-icu"`;

/** `role validFrom validTo person { name title } representing { name }` of membership m, person p, organisation o. */
const MEMBER_JSON = `json_build_object(
  'role', m.role,
  'validFrom', to_char(m.valid_from, 'YYYY-MM-DD'),
  'validTo', to_char(m.valid_to, 'YYYY-MM-DD'),
  'person', json_build_object('name', p.given_name || ' ' || p.family_name, 'title', p.title),
  'representing', CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object('name', o.name) END)`;

const MEMBER_FROM = `membership m JOIN person p ON p.id = m.person_id LEFT JOIN organisation o ON o.id = m.representing_organisation_id`;

/** The API's member order: chair first, then by role and name, later terms first. */
const MEMBER_ORDER = `m.role, p.family_name ${SV}, p.given_name ${SV}, m.valid_from DESC, m.id`;

/** `chair { MEMBER }` of the group aliased `group` on `day`. */
function chair(group: string, day: string): string {
  return `(SELECT ${MEMBER_JSON} FROM ${MEMBER_FROM}
            WHERE m.group_id = ${group}.id AND m.role = 'CHAIR' AND ${inForce("m", day)} LIMIT 1)`;
}

/** `members(first: n) { totalCount nodes { MEMBER } }` (or without totalCount) of the group aliased `group` on `day`. */
function members(group: string, day: string, first: number, withTotal = true): string {
  return `(SELECT json_build_object(${withTotal ? `'totalCount', count(*),` : ""}
                 'nodes', coalesce(json_agg(x.member ORDER BY x.rank) FILTER (WHERE x.rank <= ${first}), '[]'))
             FROM (SELECT ${MEMBER_JSON} AS member, row_number() OVER (ORDER BY ${MEMBER_ORDER}) AS rank
                     FROM ${MEMBER_FROM} WHERE m.group_id = ${group}.id AND ${inForce("m", day)}) x)`;
}

/** `workingGroups { name <fields> }` of the group aliased `group`: in force on `day`, by slug. */
function workingGroups(group: string, day: string, fields: (w: string) => string): string {
  return `coalesce((SELECT json_agg(json_build_object('name', w.name, ${fields("w")}) ORDER BY w.name ${SV}, w.id)
                      FROM governance_group w WHERE w.parent_id = ${group}.id AND ${inForce("w", day)}), '[]')`;
}

export interface FloorOperation {
  /** The operation's name in bench/queries.ts. */
  name: string;
  /** One statement. */
  sql: string;
  /** Its parameters: the operation's arguments as its query text has them, and today (the API's default `activeOn`) where used. */
  parameters: (today: string) => string[];
}

const CHAIN = `
WITH npo AS (SELECT * FROM governance_group WHERE slug = $2 AND kind IN ('NPO', 'PRIMARY_CARE_COUNCIL')),
     r AS (SELECT * FROM region WHERE county_code = $3)
SELECT json_build_object('governanceChain', CASE WHEN npo.id IS NULL OR r.id IS NULL THEN NULL ELSE json_build_object(
  'nationalProgramArea', json_build_object(
    'name', npo.name,
    'host', (SELECT json_build_object('name', ho.name) FROM hosting h JOIN organisation ho ON ho.id = h.organisation_id
              WHERE h.group_id = npo.id AND h.kind = 'ACTIVE' AND ${inForce("h", "$1")} LIMIT 1),
    'chair', ${chair("npo", "$1")},
    'members', ${members("npo", "$1", 50)},
    'workingGroups', ${workingGroups("npo", "$1", (w) => `'chair', ${chair(w, "$1")}`)}),
  'healthcareRegions', (SELECT json_agg(json_build_object('name', hr.name) ORDER BY l.position)
                          FROM region_healthcare_region l JOIN healthcare_region hr ON hr.id = l.healthcare_region_id
                         WHERE l.region_id = r.id),
  'regionalProgramAreas', coalesce((SELECT json_agg(json_build_object(
        'name', rpo.name,
        'chair', ${chair("rpo", "$1")},
        'members', ${members("rpo", "$1", 50)},
        'workingGroups', ${workingGroups("rpo", "$1", (w) => `'members', ${members(w, "$1", 20, false)}`)}) ORDER BY rpo.name ${SV}, rpo.id)
      FROM governance_group rpo
     WHERE rpo.kind = 'RPO' AND rpo.program_area_id = npo.id
       AND rpo.healthcare_region_id IN (SELECT healthcare_region_id FROM region_healthcare_region WHERE region_id = r.id)), '[]'),
  'localProgramAreas', coalesce((SELECT json_agg(json_build_object(
        'name', lpo.name,
        'municipalities', coalesce((SELECT json_agg(json_build_object('name', mu.name) ORDER BY mu.name ${SV}, mu.code)
                                      FROM group_participation gp JOIN organisation po ON po.id = gp.organisation_id
                                      JOIN municipality mu ON mu.id = po.municipality_id
                                     WHERE gp.group_id = lpo.id AND po.kind = 'MUNICIPALITY'), '[]'),
        'linkedGroups', coalesce((SELECT json_agg(json_build_object('name', lg.name))
                                    FROM group_relation rel JOIN governance_group lg ON lg.id = rel.to_group_id
                                   WHERE rel.from_group_id = lpo.id), '[]'),
        'chair', ${chair("lpo", "$1")},
        'members', ${members("lpo", "$1", 50)},
        'workingGroups', ${workingGroups("lpo", "$1", (w) => `'members', ${members(w, "$1", 20, false)}`)}) ORDER BY lpo.name ${SV}, lpo.id)
      FROM group_mirror gm JOIN governance_group lpo ON lpo.id = gm.group_id
     WHERE gm.program_area_id = npo.id AND lpo.kind = 'LPO' AND lpo.county_code = r.county_code), '[]')
) END)::text AS data
FROM (SELECT 1) AS one LEFT JOIN npo ON TRUE LEFT JOIN r ON TRUE`;

const REGION_LPO_MEMBERS = `
SELECT json_build_object('region', (SELECT json_build_object(
  'name', r.name,
  'localProgramAreas', coalesce((SELECT json_agg(json_build_object(
      'name', lpo.name,
      'programAreas', coalesce((SELECT json_agg(json_build_object(
          'name', pa.name,
          'regionalProgramAreas', coalesce((SELECT json_agg(json_build_object(
              'name', rpo.name,
              'healthcareRegion', (SELECT json_build_object('name', hr.name) FROM healthcare_region hr WHERE hr.id = rpo.healthcare_region_id))
              ORDER BY rpo.name ${SV}, rpo.id)
            FROM governance_group rpo WHERE rpo.kind = 'RPO' AND rpo.program_area_id = pa.id), '[]')) ORDER BY pa.name ${SV}, pa.id)
        FROM group_mirror gm JOIN governance_group pa ON pa.id = gm.program_area_id WHERE gm.group_id = lpo.id), '[]'),
      'chair', ${chair("lpo", "$1")},
      'members', ${members("lpo", "$1", 100)}) ORDER BY lpo.name ${SV}, lpo.id)
    FROM governance_group lpo WHERE lpo.kind = 'LPO' AND lpo.county_code = r.county_code), '[]'))
  FROM region r WHERE r.county_code = $2))::text AS data`;

/** `groups(level: …) { totalCount nodes { name kind chair { person { name } } } }` of the municipality's seats, on one level. */
function municipalityGroups(level: string): string {
  return `(SELECT json_build_object('totalCount', count(*),
                 'nodes', coalesce(json_agg(json_build_object('name', s.name, 'kind', s.kind, 'chair', s.chair)
                                            ORDER BY s.name ${SV}, s.id) FILTER (WHERE s.rank <= 50), '[]'))
             FROM (SELECT g.id, g.name, g.kind, row_number() OVER (ORDER BY g.name ${SV}, g.id) AS rank,
                          (SELECT json_build_object('person', json_build_object('name', p.given_name || ' ' || p.family_name))
                             FROM membership m JOIN person p ON p.id = m.person_id
                            WHERE m.group_id = g.id AND m.role = 'CHAIR' AND ${inForce("m", "$1")} LIMIT 1) AS chair
                     FROM seat JOIN governance_group g ON g.id = seat.group_id
                    WHERE g.level = '${level}') s)`;
}

const MUNICIPALITY_GROUPS = `
WITH mun AS (SELECT mu.*, o.id AS organisation_id FROM municipality mu LEFT JOIN organisation o ON o.municipality_id = mu.id WHERE mu.code = $2),
seat AS (
  SELECT DISTINCT g.id AS group_id FROM mun
    JOIN LATERAL (
      SELECT gp.group_id FROM group_participation gp WHERE gp.organisation_id = mun.organisation_id AND ${inForce("gp", "$1")}
      UNION
      SELECT m.group_id FROM membership m WHERE m.representing_organisation_id = mun.organisation_id AND ${inForce("m", "$1")}
    ) AS s ON TRUE
    JOIN governance_group g ON g.id = s.group_id AND ${inForce("g", "$1")})
SELECT json_build_object('municipality', (SELECT json_build_object(
  'name', mun.name,
  'national', ${municipalityGroups("NATIONAL")},
  'healthcareRegional', ${municipalityGroups("HEALTHCARE_REGIONAL")},
  'regional', ${municipalityGroups("REGIONAL")}) FROM mun))::text AS data`;

const MEMBERS_ON_DATE = `
SELECT json_build_object('groups', json_build_object('nodes', coalesce((SELECT json_agg(json_build_object(
    'name', g.name,
    'members', ${members("g", "$1::date", 100)}) ORDER BY g.name ${SV}, g.id)
  FROM (SELECT * FROM governance_group g WHERE g.kind = 'NPO' AND ${inForce("g", "$1::date")} ORDER BY g.name ${SV}, g.id LIMIT 30) g), '[]')))::text AS data`;

// The API's search statement (src/modules/search/search.service.ts with the candidates of the
// group, organisation and person modules), with the answer's fields joined to the hits.
const SEARCH = `
WITH term AS (SELECT kg_fold($1) AS t),
candidates (kind, id, label, tier, name, alias) AS (
  SELECT 'GROUP', g.id, g.name, CASE g.level WHEN 'NATIONAL' THEN 0 WHEN 'HEALTHCARE_REGIONAL' THEN 1 ELSE 2 END,
         kg_fold(g.name), coalesce(kg_fold(g.short_name), '')
    FROM governance_group g
   WHERE kg_fold(g.name) LIKE kg_fold($2) OR kg_fold(g.short_name) LIKE kg_fold($2) OR kg_fold($1) <% kg_fold(g.name)
  UNION ALL
  SELECT 'GROUP', g.id, g.name, CASE g.level WHEN 'NATIONAL' THEN 0 WHEN 'HEALTHCARE_REGIONAL' THEN 1 ELSE 2 END,
         kg_fold(n.name), ''
    FROM other_name n JOIN governance_group g ON g.id = n.group_id
   WHERE kg_fold(n.name) LIKE kg_fold($2) OR kg_fold($1) <% kg_fold(n.name)
  UNION ALL
  SELECT 'ORGANISATION', o.id, o.name, 3, kg_fold(o.name), coalesce(kg_fold(o.short_name), '')
    FROM organisation o
   WHERE kg_fold(o.name) LIKE kg_fold($2) OR kg_fold(o.short_name) LIKE kg_fold($2) OR kg_fold($1) <% kg_fold(o.name)
  UNION ALL
  SELECT 'ORGANISATION', o.id, o.name, 3, kg_fold(n.name), ''
    FROM other_name n
    JOIN organisation o ON o.id = n.organisation_id OR o.healthcare_region_id = n.healthcare_region_id
   WHERE kg_fold(n.name) LIKE kg_fold($2) OR kg_fold($1) <% kg_fold(n.name)
  UNION ALL
  SELECT 'PERSON', p.id, p.given_name || ' ' || p.family_name, 4, kg_fold(p.given_name || ' ' || p.family_name), kg_fold(p.family_name)
    FROM person p
   WHERE kg_fold(p.given_name || ' ' || p.family_name) LIKE kg_fold($2) OR kg_fold($1) <% kg_fold(p.given_name || ' ' || p.family_name)
  UNION ALL
  SELECT 'KNOWLEDGE_SUPPORT', ks.id, ks.name, 5, kg_fold(ks.name),
         coalesce((SELECT kg_fold(n.name) FROM knowledge_support_name n
                    WHERE n.knowledge_support_id = ks.id AND kg_fold(n.name) LIKE kg_fold($2) LIMIT 1), '')
    FROM knowledge_support ks
   WHERE kg_fold(ks.name) LIKE kg_fold($2) OR kg_fold($1) <% kg_fold(ks.name)
      OR ks.id IN (SELECT n.knowledge_support_id FROM knowledge_support_name n WHERE kg_fold(n.name) LIKE kg_fold($2))
),
scored AS (
  SELECT c.kind, c.id, c.label, c.tier,
    (strpos(' ' || c.name, ' ' || t) > 0 OR strpos(' ' || c.alias, ' ' || t) > 0)::int AS word_starts,
    greatest(
    CASE WHEN c.name = t OR c.alias = t THEN 1.0
         WHEN left(c.name, length(t)) = t OR left(c.alias, length(t)) = t THEN 0.9
         WHEN strpos(' ' || c.name, ' ' || t) > 0 OR strpos(' ' || c.alias, ' ' || t) > 0 THEN 0.8
         WHEN strpos(c.name, t) > 0 OR strpos(c.alias, t) > 0 THEN 0.6
         ELSE 0 END,
    word_similarity(t, c.name) * 0.5)::float8 AS score
  FROM candidates c, term
),
-- One word: every record by its best name (the API's every-word rank needs two words or more).
best AS (SELECT DISTINCT ON (kind, id) * FROM scored ORDER BY kind, id, score DESC, word_starts DESC),
ranked AS (
  SELECT kind, id, score, tier, label, count(*) OVER () AS total,
         row_number() OVER (ORDER BY score DESC, word_starts DESC, tier, label, id) AS rank
    FROM best
)
SELECT json_build_object('search', json_build_object(
  'totalCount', coalesce((SELECT max(total) FROM ranked), 0),
  'nodes', coalesce((SELECT json_agg(CASE ranked.kind
      WHEN 'GROUP' THEN (SELECT json_build_object('__typename', CASE g.kind
                                   WHEN 'NPO' THEN 'NationalProgramArea' WHEN 'PRIMARY_CARE_COUNCIL' THEN 'NationalProgramArea'
                                   WHEN 'NSG' THEN 'NationalCollaborationGroup' WHEN 'RPO' THEN 'RegionalProgramArea'
                                   WHEN 'LPO' THEN 'LocalProgramArea' WHEN 'NAG' THEN 'WorkingGroup' WHEN 'RAG' THEN 'WorkingGroup'
                                   WHEN 'LAG' THEN 'WorkingGroup' ELSE 'GovernanceBody' END,
                                 'name', g.name, 'kind', g.kind) FROM governance_group g WHERE g.id = ranked.id)
      WHEN 'PERSON' THEN (SELECT json_build_object('__typename', 'Person', 'givenName', p.given_name, 'familyName', p.family_name)
                            FROM person p WHERE p.id = ranked.id)
      WHEN 'KNOWLEDGE_SUPPORT' THEN json_build_object('__typename', 'KnowledgeSupport')
      ELSE (SELECT json_build_object('__typename', 'Organisation', 'name', o.name) FROM organisation o WHERE o.id = ranked.id)
    END ORDER BY ranked.rank) FROM ranked WHERE ranked.rank <= 20), '[]')))::text AS data`;

export const FLOOR_OPERATIONS: FloorOperation[] = [
  { name: "chain", sql: CHAIN, parameters: (today) => [today, "psykisk-halsa", "22"] },
  { name: "region-lpo-members", sql: REGION_LPO_MEMBERS, parameters: (today) => [today, "22"] },
  { name: "municipality-groups", sql: MUNICIPALITY_GROUPS, parameters: (today) => [today, "2281"] },
  { name: "members-on-date", sql: MEMBERS_ON_DATE, parameters: () => ["2024-03-01"] },
  { name: "search", sql: SEARCH, parameters: () => ["psyk", "%psyk%"] },
];

export interface FloorServer {
  /** Base URL; an operation is POSTed to `${url}/${name}`. */
  url: string;
  stop(): Promise<void>;
}

/** Starts the floor on a free port, with a pool of `poolSize` connections to `databaseUrl`. */
export async function startFloor(databaseUrl: string, poolSize = 10): Promise<FloorServer> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, idleTimeoutMillis: 0 });
  const operations = new Map(FLOOR_OPERATIONS.map((operation) => [operation.name, operation]));
  const server = http.createServer((request, response) => {
    const operation = operations.get((request.url ?? "").slice(1));
    request.resume();
    if (request.method !== "POST" || !operation) {
      response.writeHead(404).end();
      return;
    }
    // The API's default `activeOn` is today in UTC (src/graphql/period.ts).
    const today = new Date().toISOString().slice(0, 10);
    pool.query<{ data: string }>(operation.sql, operation.parameters(today)).then(
      ({ rows }) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(`{"data":${rows[0]?.data ?? "null"},"extensions":{"sqlStatements":1}}`);
      },
      (error: unknown) => {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ errors: [{ message: String(error) }] }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

/** Run on its own (`node dist-bench/bench/floor.js <database URL> [pool size]`), so its CPU is its own: prints its URL on stdout. */
if (require.main === module) {
  const [databaseUrl, poolSize] = process.argv.slice(2);
  if (!databaseUrl) throw new Error("usage: floor.js <database URL> [pool size]");
  void startFloor(databaseUrl, poolSize ? Number(poolSize) : undefined).then((floor) => {
    process.stdout.write(`${floor.url}\n`);
    process.once("SIGTERM", () => void floor.stop().then(() => process.exit(0)));
  });
}
