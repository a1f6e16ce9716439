import type { Database } from "../../db/prisma";
import { sqlReader } from "../../db/read-sql";
import { array, boolean, date, float, int, nullable, oneOf, row, text } from "../../db/sql";
import {
  DecisionBody,
  ImplementationStatus,
  KnowledgeSupportKind,
  KnowledgeSupportState,
  Prisma,
  Provenance,
} from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";
import { loadersByArguments, type LoaderFactory } from "../../graphql/loader";
import {
  FollowUp,
  FollowUpValue,
  Implementation,
  ImplementationStatusPeriod,
  KnowledgeSupport,
  KnowledgeSupportFormerName,
  KnowledgeSupportStatePeriod,
  KnowledgeSupportVersion,
} from "./knowledge.types";

/** A knowledge support's columns the API shows, on the table aliased `ks`. */
export const KNOWLEDGE_SUPPORT_COLUMNS = Prisma.sql`ks.id, ks.slug, ks.name, ks.kind, ks.description,
  ks.owner_group_id AS "ownerGroupId", ks.owner_organisation_id AS "ownerOrganisationId", ks.url,
  ks.municipal_target AS "municipalTarget", ks.provenance, ks.note, coalesce(ks.sources, '{}') AS sources, ks.version`;

export const knowledgeSupportRow = row(
  {
    id: text(),
    slug: text(),
    name: text(),
    kind: oneOf(Object.values(KnowledgeSupportKind)),
    description: nullable(text()),
    ownerGroupId: nullable(text()),
    ownerOrganisationId: nullable(text()),
    url: nullable(text()),
    municipalTarget: boolean(),
    provenance: oneOf(Object.values(Provenance)),
    note: nullable(text()),
    sources: array(text()),
    version: int(),
  },
  () => KnowledgeSupport.prototype,
);

/** An implementation's columns, on the table aliased `im`. */
export const IMPLEMENTATION_COLUMNS = Prisma.sql`im.id, im.knowledge_support_id AS "knowledgeSupportId",
  im.county_code AS "countyCode", im.municipality_code AS "municipalityCode",
  im.joint_with_municipalities AS "jointWithMunicipalities", im.decision_date AS "decisionDate",
  im.decided_by AS "decidedBy", im.decided_by_group_id AS "decidedByGroupId",
  im.responsible_group_id AS "responsibleGroupId", im.adaptation_note AS "adaptationNote",
  im.provenance, im.note, coalesce(im.sources, '{}') AS sources, im.version`;

export const implementationRow = row(
  {
    id: text(),
    knowledgeSupportId: text(),
    countyCode: text(),
    municipalityCode: nullable(text()),
    jointWithMunicipalities: boolean(),
    decisionDate: nullable(date()),
    decidedBy: nullable(oneOf(Object.values(DecisionBody))),
    decidedByGroupId: nullable(text()),
    responsibleGroupId: nullable(text()),
    adaptationNote: nullable(text()),
    provenance: oneOf(Object.values(Provenance)),
    note: nullable(text()),
    sources: array(text()),
    version: int(),
  },
  () => Implementation.prototype,
);

export const statePeriodRow = row(
  {
    knowledgeSupportId: text(),
    state: oneOf(Object.values(KnowledgeSupportState)),
    validFrom: nullable(date()),
    validTo: nullable(date()),
    reason: nullable(text()),
  },
  () => KnowledgeSupportStatePeriod.prototype,
);

export const statusPeriodRow = row(
  {
    implementationId: text(),
    status: oneOf(Object.values(ImplementationStatus)),
    validFrom: date(),
    validTo: nullable(date()),
    reason: nullable(text()),
  },
  () => ImplementationStatusPeriod.prototype,
);

export const FOLLOW_UP_COLUMNS = Prisma.sql`f.id, f.knowledge_support_id AS "knowledgeSupportId", f.indicator,
  f.data_source AS "dataSource", f.target_level AS "targetLevel", f.provenance, f.note, coalesce(f.sources, '{}') AS sources, f.version`;

export const followUpRow = row(
  {
    id: text(),
    knowledgeSupportId: text(),
    indicator: text(),
    dataSource: text(),
    targetLevel: nullable(text()),
    provenance: oneOf(Object.values(Provenance)),
    note: nullable(text()),
    sources: array(text()),
    version: int(),
  },
  () => FollowUp.prototype,
);

export const FOLLOW_UP_VALUE_COLUMNS = Prisma.sql`v.follow_up_id AS "followUpId", v.county_code AS "countyCode",
  v.value::float8 AS value, v.period_start AS "periodStart", v.period_end AS "periodEnd", v.source,
  v.reported_at AS "reportedAt"`;

export const followUpValueRow = row(
  {
    followUpId: text(),
    countyCode: text(),
    value: float(),
    periodStart: date(),
    periodEnd: date(),
    source: nullable(text()),
    reportedAt: date(),
  },
  () => FollowUpValue.prototype,
);

const versionRow = row(
  { knowledgeSupportId: text(), label: text(), publishedOn: nullable(date()), note: nullable(text()) },
  () => KnowledgeSupportVersion.prototype,
);
const formerNameRow = row(
  { knowledgeSupportId: text(), name: text(), usedUntil: nullable(date()) },
  () => KnowledgeSupportFormerName.prototype,
);

export function createKnowledgeLoaders(prisma: Database, load: LoaderFactory) {
  const read = sqlReader(prisma);
  const knowledgeSupportById = load<string, ReturnType<typeof knowledgeSupportRow> | null>(async (ids) =>
    sortByKeys(
      ids,
      await read.rows(
        "knowledge_support_by_id",
        Prisma.sql`SELECT ${KNOWLEDGE_SUPPORT_COLUMNS} FROM knowledge_support ks WHERE ks.id = ANY(${[...ids]}::uuid[])`,
        knowledgeSupportRow,
      ),
      (found) => found.id,
    ),
  );
  return {
    knowledgeSupportById,
    knowledgeSupportBySlug: load<string, ReturnType<typeof knowledgeSupportRow> | null>(async (slugs) =>
      sortByKeys(
        slugs,
        await read.rows(
          "knowledge_support_by_slug",
          Prisma.sql`SELECT ${KNOWLEDGE_SUPPORT_COLUMNS} FROM knowledge_support ks WHERE ks.slug = ANY(${[...slugs]}::text[])`,
          knowledgeSupportRow,
        ),
        (found) => found.slug,
      ),
    ),
    /** The ids of a knowledge support's program areas (NPOs, the primary-care council). */
    knowledgeSupportProgramAreaIds: load<string, string[]>(async (ids) =>
      groupByKeys(
        ids,
        await read.rows(
          "knowledge_support_program_area_ids",
          Prisma.sql`SELECT a.knowledge_support_id::text AS id, a.program_area_id::text AS "programAreaId"
            FROM knowledge_support_program_area a WHERE a.knowledge_support_id = ANY(${[...ids]}::uuid[])
           ORDER BY a.program_area_id`,
          row({ id: text(), programAreaId: text() }),
        ),
        (found) => found.id,
      ).map((found) => found.map((entry) => entry.programAreaId)),
    ),
    knowledgeSupportStates: load<string, ReturnType<typeof statePeriodRow>[]>(async (ids) =>
      groupByKeys(
        ids,
        await read.rows(
          "knowledge_support_states",
          Prisma.sql`SELECT s.knowledge_support_id::text AS "knowledgeSupportId", s.state, s.valid_from AS "validFrom",
                 s.valid_to AS "validTo", s.reason
            FROM knowledge_support_state s WHERE s.knowledge_support_id = ANY(${[...ids]}::uuid[])
           ORDER BY s.valid_from NULLS FIRST, s.id`,
          statePeriodRow,
        ),
        (found) => found.knowledgeSupportId,
      ),
    ),
    knowledgeSupportVersions: load<string, ReturnType<typeof versionRow>[]>(async (ids) =>
      groupByKeys(
        ids,
        await read.rows(
          "knowledge_support_versions",
          Prisma.sql`SELECT v.knowledge_support_id::text AS "knowledgeSupportId", v.label, v.published_on AS "publishedOn", v.note
            FROM knowledge_support_version v WHERE v.knowledge_support_id = ANY(${[...ids]}::uuid[])
           ORDER BY v.published_on NULLS FIRST, v.label`,
          versionRow,
        ),
        (found) => found.knowledgeSupportId,
      ),
    ),
    knowledgeSupportFormerNames: load<string, ReturnType<typeof formerNameRow>[]>(async (ids) =>
      groupByKeys(
        ids,
        await read.rows(
          "knowledge_support_former_names",
          Prisma.sql`SELECT n.knowledge_support_id::text AS "knowledgeSupportId", n.name, n.used_until AS "usedUntil"
            FROM knowledge_support_name n WHERE n.knowledge_support_id = ANY(${[...ids]}::uuid[])
           ORDER BY n.used_until NULLS FIRST, n.name`,
          formerNameRow,
        ),
        (found) => found.knowledgeSupportId,
      ),
    ),
    /** A knowledge support's implementations, of every region and municipality or of one county. */
    implementationsOfKnowledgeSupport: loadersByArguments(({ countyCode }: { countyCode: string | null }) =>
      load<string, ReturnType<typeof implementationRow>[]>(async (ids) =>
        groupByKeys(
          ids,
          await read.rows(
            countyCode === null ? "implementations_of_knowledge_support" : "implementations_of_knowledge_support_in",
            Prisma.sql`SELECT ${IMPLEMENTATION_COLUMNS} FROM implementation im
              WHERE im.knowledge_support_id = ANY(${[...ids]}::uuid[])
              ${countyCode === null ? Prisma.empty : Prisma.sql`AND im.county_code = ${countyCode}`}
              ORDER BY im.county_code, im.municipality_code NULLS FIRST, im.id`,
            implementationRow,
          ),
          (found) => found.knowledgeSupportId,
        ),
      ),
    ),
    /** A region's implementations: its own and its municipalities'. */
    implementationsOfCounty: load<string, ReturnType<typeof implementationRow>[]>(async (codes) =>
      groupByKeys(
        codes,
        await read.rows(
          "implementations_of_county",
          Prisma.sql`SELECT ${IMPLEMENTATION_COLUMNS} FROM implementation im
            JOIN knowledge_support ks ON ks.id = im.knowledge_support_id
           WHERE im.county_code = ANY(${[...codes]}::text[])
           ORDER BY ks.name, im.municipality_code NULLS FIRST, im.id`,
          implementationRow,
        ),
        (found) => found.countyCode,
      ),
    ),
    /** A municipality's implementations: its own, and the joint ones it takes part in. */
    implementationsOfMunicipality: load<string, ReturnType<typeof implementationRow>[]>(async (codes) => {
      const rows = await read.rows(
        "implementations_of_municipality",
        Prisma.sql`SELECT k.code AS key, ${IMPLEMENTATION_COLUMNS}
          FROM unnest(${[...codes]}::text[]) AS k(code)
          JOIN LATERAL (
            SELECT im.* FROM implementation im WHERE im.municipality_code = k.code
            UNION
            SELECT im.* FROM implementation_municipality jm JOIN implementation im ON im.id = jm.implementation_id
             WHERE jm.municipality_code = k.code
          ) im ON TRUE
          JOIN knowledge_support ks ON ks.id = im.knowledge_support_id
         ORDER BY ks.name, im.id`,
        (value) => ({ key: text()((value as { key?: unknown }).key, "key"), row: implementationRow(value) }),
      );
      return groupByKeys(codes, rows, (found) => found.key).map((found) => found.map((entry) => entry.row));
    }),
    implementationById: load<string, ReturnType<typeof implementationRow> | null>(async (ids) =>
      sortByKeys(
        ids,
        await read.rows(
          "implementation_by_id",
          Prisma.sql`SELECT ${IMPLEMENTATION_COLUMNS} FROM implementation im WHERE im.id = ANY(${[...ids]}::uuid[])`,
          implementationRow,
        ),
        (found) => found.id,
      ),
    ),
    implementationStatuses: load<string, ReturnType<typeof statusPeriodRow>[]>(async (ids) =>
      groupByKeys(
        ids,
        await read.rows(
          "implementation_statuses",
          // Each implementation's history by key (OFFSET 0 keeps it a per-key look-up): for a batch of
          // hundreds of keys PostgreSQL 15 otherwise reads the whole table.
          Prisma.sql`SELECT s.implementation_id::text AS "implementationId", s.status, s.valid_from AS "validFrom",
                 s.valid_to AS "validTo", s.reason
            FROM unnest(${[...ids]}::uuid[]) AS k(id)
            CROSS JOIN LATERAL (
              SELECT * FROM implementation_status s WHERE s.implementation_id = k.id OFFSET 0
            ) AS s
           ORDER BY s.valid_from, s.id`,
          statusPeriodRow,
        ),
        (found) => found.implementationId,
      ),
    ),
    /** The municipalities of a joint implementation, by code. */
    implementationMunicipalityCodes: load<string, string[]>(async (ids) =>
      groupByKeys(
        ids,
        await read.rows(
          "implementation_municipality_codes",
          Prisma.sql`SELECT jm.implementation_id::text AS id, jm.municipality_code AS code
            FROM implementation_municipality jm WHERE jm.implementation_id = ANY(${[...ids]}::uuid[])
           ORDER BY jm.implementation_id, jm.municipality_code`,
          row({ id: text(), code: text() }),
        ),
        (found) => found.id,
      ).map((found) => found.map((entry) => entry.code)),
    ),
    followUpsOfKnowledgeSupport: load<string, ReturnType<typeof followUpRow>[]>(async (ids) =>
      groupByKeys(
        ids,
        await read.rows(
          "follow_ups_of_knowledge_support",
          Prisma.sql`SELECT ${FOLLOW_UP_COLUMNS} FROM follow_up f WHERE f.knowledge_support_id = ANY(${[...ids]}::uuid[])
           ORDER BY f.indicator, f.id`,
          followUpRow,
        ),
        (found) => found.knowledgeSupportId,
      ),
    ),
    followUpById: load<string, ReturnType<typeof followUpRow> | null>(async (ids) =>
      sortByKeys(
        ids,
        await read.rows(
          "follow_up_by_id",
          Prisma.sql`SELECT ${FOLLOW_UP_COLUMNS} FROM follow_up f WHERE f.id = ANY(${[...ids]}::uuid[])`,
          followUpRow,
        ),
        (found) => found.id,
      ),
    ),
    /** The latest reported value per region (the one with the latest period end), of every region or one. */
    latestFollowUpValues: loadersByArguments(({ countyCode }: { countyCode: string | null }) =>
      load<string, ReturnType<typeof followUpValueRow>[]>(async (ids) =>
        groupByKeys(
          ids,
          await read.rows(
            countyCode === null ? "latest_follow_up_values" : "latest_follow_up_values_in",
            Prisma.sql`SELECT DISTINCT ON (v.follow_up_id, v.county_code) ${FOLLOW_UP_VALUE_COLUMNS}
              FROM follow_up_value v WHERE v.follow_up_id = ANY(${[...ids]}::uuid[])
              ${countyCode === null ? Prisma.empty : Prisma.sql`AND v.county_code = ${countyCode}`}
              ORDER BY v.follow_up_id, v.county_code, v.period_end DESC, v.reported_at DESC`,
            followUpValueRow,
          ),
          (found) => found.followUpId,
        ),
      ),
    ),
  };
}

declare module "../../graphql/module" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends ReturnType<typeof createKnowledgeLoaders> {}
}
