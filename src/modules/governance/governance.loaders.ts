import type { Database } from "../../db/prisma";
import {
  Prisma,
  GroupKind,
  GroupLevel,
  GroupPhaseKind,
  HostingKind,
  NameKind,
  ParticipationRole,
  Provenance,
} from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";
import { loadersByArguments, type LoaderFactory } from "../../graphql/loader";
import { today } from "../../graphql/period";
import { inForceSql } from "../../db/period";
import { keyedRow, sqlReader } from "../../db/read-sql";
import { FormerName, GroupParticipant, GroupPhase, groupPrototypeOf, Hosting, OtherName } from "./governance.types";
import { array, boolean, date, int, nullable, oneOf, row, text } from "../../db/sql";
import { MUNICIPALITY_COLUMNS, municipalityRow, type MunicipalityRow } from "../geography";
import { ORGANISATION_COLUMNS, organisationRow, type OrganisationRow } from "../organisations";

const groupKind = oneOf(Object.values(GroupKind));

/** A governance body's columns the API shows, on the table aliased `g`. */
export const GROUP_COLUMNS = Prisma.sql`g.id, g.slug, g.kind, g.level, g.name, g.version,
  g.short_name AS "shortName", g.description, g.parent_id AS "parentId", g.program_area_id AS "programAreaId",
  g.healthcare_region_id AS "healthcareRegionId", g.county_code AS "countyCode",
  g.municipal_participation AS "municipalParticipation",
  g.municipal_participation_note AS "municipalParticipationNote",
  g.municipal_participation_since AS "municipalParticipationSince",
  g.valid_from AS "validFrom", g.valid_to AS "validTo", g.period_note AS "periodNote",
  g.provenance, g.note`;

export const groupRow = row(
  {
    id: text(),
    slug: text(),
    kind: groupKind,
    level: oneOf(Object.values(GroupLevel)),
    name: text(),
    version: int(),
    shortName: nullable(text()),
    description: nullable(text()),
    parentId: nullable(text()),
    programAreaId: nullable(text()),
    healthcareRegionId: nullable(text()),
    countyCode: nullable(text()),
    municipalParticipation: boolean(),
    municipalParticipationNote: nullable(text()),
    municipalParticipationSince: nullable(date()),
    validFrom: nullable(date()),
    validTo: nullable(date()),
    periodNote: nullable(text()),
    provenance: oneOf(Object.values(Provenance)),
    note: nullable(text()),
  },
  (record) => groupPrototypeOf(record.kind),
);

/** A record's `sources`, read only where a field asks for them. */
const sourcesRow = row({ id: text(), sources: array(text()) });

/** A governance body as the API reads it. */
export type GroupRow = ReturnType<typeof groupRow>;

const byTextKey = keyedRow(groupRow);

/** The columns groups are found by in batches, each as constant SQL with the array type of its keys. */
const GROUP_KEYS = {
  programAreaId: { column: Prisma.sql`g.program_area_id`, keys: Prisma.sql`uuid[]` },
  healthcareRegionId: { column: Prisma.sql`g.healthcare_region_id`, keys: Prisma.sql`uuid[]` },
  countyCode: { column: Prisma.sql`g.county_code`, keys: Prisma.sql`text[]` },
  parentId: { column: Prisma.sql`g.parent_id`, keys: Prisma.sql`uuid[]` },
} as const;

const hostingRow = row(
  {
    groupId: text(),
    organisationId: text(),
    kind: oneOf(Object.values(HostingKind)),
    validFrom: nullable(date()),
    validTo: nullable(date()),
    provenance: oneOf(Object.values(Provenance)),
    note: nullable(text()),
    sources: array(text()),
  },
  () => Hosting.prototype,
);
export type HostingRow = ReturnType<typeof hostingRow>;

const otherNameRow = row(
  {
    groupId: text(),
    kind: oneOf(Object.values(NameKind)),
    name: text(),
    usedFrom: nullable(date()),
    usedUntil: nullable(date()),
    note: nullable(text()),
  },
  () => OtherName.prototype,
);
export type OtherNameRow = ReturnType<typeof otherNameRow>;

const participantRow = row(
  {
    groupId: text(),
    organisationId: text(),
    role: oneOf(Object.values(ParticipationRole)),
    seats: nullable(int()),
    validFrom: nullable(date()),
    validTo: nullable(date()),
    provenance: oneOf(Object.values(Provenance)),
    note: nullable(text()),
  },
  () => GroupParticipant.prototype,
);
export type GroupParticipantRow = ReturnType<typeof participantRow>;

const formerNameRow = row(
  { ownerId: text(), name: text(), validFrom: nullable(date()), validTo: nullable(date()), note: nullable(text()) },
  () => FormerName.prototype,
);
export type FormerNameRow = ReturnType<typeof formerNameRow>;

/** The owners other names can belong to, each as its constant column. */
const NAME_OWNERS = {
  group: Prisma.sql`n.group_id`,
  organisation: Prisma.sql`n.organisation_id`,
  healthcareRegion: Prisma.sql`n.healthcare_region_id`,
} as const;

const phaseRow = row(
  {
    groupId: text(),
    kind: oneOf(Object.values(GroupPhaseKind)),
    validFrom: date(),
    validTo: nullable(date()),
    note: nullable(text()),
    sources: array(text()),
  },
  () => GroupPhase.prototype,
);
export type GroupPhaseRow = ReturnType<typeof phaseRow>;

export function createGovernanceLoaders(prisma: Database, load: LoaderFactory) {
  const read = sqlReader(prisma);

  /** Groups (optionally of one kind) whose `field` is one of the keys, by slug. */
  const groupsBy = (name: string, field: keyof typeof GROUP_KEYS, kind?: GroupKind) => {
    const { column, keys: keyType } = GROUP_KEYS[field];
    const ofKind = kind ? Prisma.sql`AND g.kind = ${kind}::"GroupKind"` : Prisma.empty;
    return load<string, GroupRow[]>(async (keys) => {
      const rows = await read.rows(
        name,
        Prisma.sql`SELECT ${column}::text AS key, ${GROUP_COLUMNS} FROM governance_group g
          WHERE ${column} = ANY(${[...keys]}::${keyType}) ${ofKind}
          ORDER BY g.slug`,
        byTextKey,
      );
      return groupByKeys(keys, rows, (row) => row.key).map((found) => found.map((row) => row.row));
    });
  };
  /** Former names of owners of one kind, oldest first (unknown starts first, then by last day). */
  const formerNamesBy = (name: string, owner: keyof typeof NAME_OWNERS) =>
    load<string, FormerNameRow[]>(async (ids) => {
      const column = NAME_OWNERS[owner];
      const names = await read.rows(
        name,
        Prisma.sql`SELECT ${column}::text AS "ownerId", n.name, n.used_from AS "validFrom", n.used_until AS "validTo", n.note
          FROM other_name n WHERE ${column} = ANY(${[...ids]}::uuid[]) AND n.kind = 'FORMER'
          ORDER BY n.used_from ASC NULLS FIRST, n.used_until ASC NULLS LAST, n.name`,
        formerNameRow,
      );
      return groupByKeys(ids, names, (row) => row.ownerId);
    });
  return {
    formerNamesByGroupId: formerNamesBy("former_names_by_group", "group"),
    formerNamesByOrganisationId: formerNamesBy("former_names_by_organisation", "organisation"),
    formerNamesByHealthcareRegionId: formerNamesBy("former_names_by_healthcare_region", "healthcareRegion"),
    // The level is filtered in memory, so a municipality's groups at three levels are one query.
    groupsByMunicipalityId: loadersByArguments(({ day }: { day: Date | null }) =>
      load<string, GroupRow[]>(async (municipalityIds) => {
        // Groups with participations or representing memberships in force on the day.
        const rows = await read.rows(
          "groups_by_municipality",
          Prisma.sql`
          SELECT seat.municipality_id::text AS key, ${GROUP_COLUMNS}
            FROM (
              SELECT DISTINCT o.municipality_id, s.group_id
                FROM organisation o
                CROSS JOIN LATERAL (
                  SELECT p.group_id FROM group_participation p
                   WHERE p.organisation_id = o.id
                     AND ${inForceSql("p", day)}
                  UNION
                  SELECT m.group_id FROM membership m
                   WHERE m.representing_organisation_id = o.id
                     AND ${inForceSql("m", day)}
                ) AS s
               WHERE o.municipality_id = ANY(${[...municipalityIds]}::uuid[])
            ) AS seat
            -- Each group by key (OFFSET 0 keeps it a per-seat look-up): as a plain join the
            -- planner, expecting hundreds of seats per organisation, reads every group once.
            CROSS JOIN LATERAL (
              SELECT * FROM governance_group g WHERE g.id = seat.group_id AND ${inForceSql("g", day)} OFFSET 0
            ) AS g`,
          byTextKey,
        );
        return groupByKeys(municipalityIds, rows, (row) => row.key).map((found) => found.map((row) => row.row));
      }),
    ),
    groupBySlug: load<string, GroupRow | null>(async (slugs) =>
      sortByKeys(
        slugs,
        await read.rows(
          "group_by_slug",
          Prisma.sql`SELECT ${GROUP_COLUMNS} FROM governance_group g WHERE g.slug = ANY(${[...slugs]}::text[])`,
          groupRow,
        ),
        (row) => row.slug,
      ),
    ),
    groupById: load<string, GroupRow | null>(async (ids) =>
      sortByKeys(
        ids,
        await read.rows(
          "group_by_id",
          Prisma.sql`SELECT ${GROUP_COLUMNS} FROM governance_group g WHERE g.id = ANY(${[...ids]}::uuid[])`,
          groupRow,
        ),
        (row) => row.id,
      ),
    ),
    regionalProgramAreasByProgramAreaId: groupsBy("rpos_by_program_area", "programAreaId", "RPO"),
    regionalProgramAreasByHealthcareRegionId: groupsBy("rpos_by_healthcare_region", "healthcareRegionId", "RPO"),
    localProgramAreasByCountyCode: groupsBy("lpos_by_county", "countyCode", "LPO"),
    localProgramAreasByProgramAreaId: load<string, GroupRow[]>(async (ids) => {
      const rows = await read.rows(
        "lpos_by_program_area",
        Prisma.sql`SELECT gm.program_area_id::text AS key, ${GROUP_COLUMNS}
          FROM group_mirror gm JOIN governance_group g ON g.id = gm.group_id
          WHERE gm.program_area_id = ANY(${[...ids]}::uuid[]) AND g.kind = 'LPO'
          ORDER BY g.slug`,
        byTextKey,
      );
      return groupByKeys(ids, rows, (row) => row.key).map((found) => found.map((row) => row.row));
    }),
    programAreasByGroupId: load<string, GroupRow[]>(async (ids) => {
      const rows = await read.rows(
        "program_areas_by_group",
        Prisma.sql`SELECT gm.group_id::text AS key, ${GROUP_COLUMNS}
          FROM group_mirror gm JOIN governance_group g ON g.id = gm.program_area_id
          WHERE gm.group_id = ANY(${[...ids]}::uuid[])
          ORDER BY g.slug`,
        byTextKey,
      );
      return groupByKeys(ids, rows, (row) => row.key).map((found) => found.map((row) => row.row));
    }),
    workingGroupsByParentId: groupsBy("working_groups_by_parent", "parentId"),
    hostingsByGroupId: load<string, HostingRow[]>(async (ids) => {
      const hostings = await read.rows(
        "hostings_by_group",
        Prisma.sql`SELECT h.group_id AS "groupId", h.organisation_id AS "organisationId", h.kind,
            h.valid_from AS "validFrom", h.valid_to AS "validTo", h.provenance, h.note, coalesce(h.sources, '{}') AS sources
          FROM hosting h WHERE h.group_id = ANY(${[...ids]}::uuid[])
          ORDER BY h.valid_from ASC NULLS FIRST, h.kind`,
        hostingRow,
      );
      return groupByKeys(ids, hostings, (row) => row.groupId);
    }),
    currentHostByGroupId: load<string, OrganisationRow | null>(async (ids) => {
      const rows = await read.rows(
        "current_host_by_group",
        Prisma.sql`SELECT h.group_id::text AS key, ${ORGANISATION_COLUMNS}
          FROM hosting h JOIN organisation o ON o.id = h.organisation_id
          WHERE h.group_id = ANY(${[...ids]}::uuid[]) AND h.kind = 'ACTIVE' AND ${inForceSql("h", today())}`,
        keyedRow(organisationRow),
      );
      return sortByKeys(ids, rows, (row) => row.key).map((row) => row?.row ?? null);
    }),
    participatingMunicipalitiesByGroupId: load<string, MunicipalityRow[]>(async (ids) => {
      const rows = await read.rows(
        "participating_municipalities_by_group",
        Prisma.sql`SELECT p.group_id::text AS key, ${MUNICIPALITY_COLUMNS}
          FROM group_participation p
          JOIN organisation o ON o.id = p.organisation_id
          JOIN municipality mu ON mu.id = o.municipality_id
          WHERE p.group_id = ANY(${[...ids]}::uuid[]) AND o.kind = 'MUNICIPALITY'
          ORDER BY o.slug`,
        keyedRow(municipalityRow),
      );
      return groupByKeys(ids, rows, (row) => row.key).map((found) => found.map((row) => row.row));
    }),
    linkedGroupsByGroupId: load<string, GroupRow[]>(async (ids) => {
      const rows = await read.rows(
        "linked_groups_by_group",
        Prisma.sql`SELECT r.from_group_id::text AS key, ${GROUP_COLUMNS}
          FROM group_relation r JOIN governance_group g ON g.id = r.to_group_id
          WHERE r.from_group_id = ANY(${[...ids]}::uuid[])
          ORDER BY g.slug`,
        byTextKey,
      );
      return groupByKeys(ids, rows, (row) => row.key).map((found) => found.map((row) => row.row));
    }),
    groupSourcesById: load<string, string[]>(async (ids) =>
      sortByKeys(
        ids,
        await read.rows(
          "group_sources_by_id",
          Prisma.sql`SELECT g.id, g.sources FROM governance_group g WHERE g.id = ANY(${[...ids]}::uuid[])`,
          sourcesRow,
        ),
        (row) => row.id,
      ).map((row) => row?.sources ?? []),
    ),
    otherNamesByGroupId: load<string, OtherNameRow[]>(async (ids) => {
      const names = await read.rows(
        "other_names_by_group",
        Prisma.sql`SELECT n.group_id AS "groupId", n.kind, n.name, n.used_from AS "usedFrom", n.used_until AS "usedUntil", n.note
          FROM other_name n WHERE n.group_id = ANY(${[...ids]}::uuid[])
          ORDER BY n.kind, n.name`,
        otherNameRow,
      );
      return groupByKeys(ids, names, (row) => row.groupId);
    }),
    participantsByGroupId: loadersByArguments(({ day }: { day: Date | null }) =>
      load<string, GroupParticipantRow[]>(async (ids) => {
        const participants = await read.rows(
          "participants_by_group",
          Prisma.sql`SELECT p.group_id::text AS "groupId", p.organisation_id::text AS "organisationId", p.role, p.seats,
              p.valid_from AS "validFrom", p.valid_to AS "validTo", p.provenance, p.note
            FROM group_participation p JOIN organisation o ON o.id = p.organisation_id
            WHERE p.group_id = ANY(${[...ids]}::uuid[]) AND ${inForceSql("p", day)}
            ORDER BY p.role, o.name, o.id`,
          participantRow,
        );
        return groupByKeys(ids, participants, (row) => row.groupId);
      }),
    ),
    phasesByGroupId: load<string, GroupPhaseRow[]>(async (ids) => {
      const phases = await read.rows(
        "phases_by_group",
        Prisma.sql`SELECT p.group_id AS "groupId", p.kind, p.valid_from AS "validFrom", p.valid_to AS "validTo",
            p.note, coalesce(p.sources, '{}') AS sources
          FROM group_phase p WHERE p.group_id = ANY(${[...ids]}::uuid[])
          ORDER BY p.valid_from, p.kind`,
        phaseRow,
      );
      return groupByKeys(ids, phases, (row) => row.groupId);
    }),
  };
}

declare module "../../graphql/module" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends ReturnType<typeof createGovernanceLoaders> {}
}
