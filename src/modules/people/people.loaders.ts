import type { Database } from "../../db/prisma";
import { MembershipRole, Prisma } from "../../generated/prisma/client";
import { groupByKeys, sortByKeys } from "../../graphql/batch";
import { loadersByArguments, type LoaderFactory } from "../../graphql/loader";
import { inForceSql } from "../../db/period";
import { sqlReader } from "../../db/read-sql";
import { date, int, nullable, oneOf, row, text } from "../../db/sql";
import { Membership, Person } from "./people.types";

/** A person's columns the API shows, on the table aliased `pe`. */
export const PERSON_COLUMNS = Prisma.sql`pe.id, pe.given_name AS "givenName", pe.family_name AS "familyName",
  pe.title, pe.hsa_id AS "hsaId", pe.source_system AS "sourceSystem", pe.external_id AS "externalId", pe.version`;
/** A membership's columns the API shows, on the table aliased `m`. */
const MEMBERSHIP_COLUMNS = Prisma.sql`m.id, m.person_id AS "personId", m.group_id AS "groupId", m.role,
  m.representing_organisation_id AS "representingOrganisationId", m.valid_from AS "validFrom",
  m.valid_to AS "validTo", m.source_system AS "sourceSystem", m.external_id AS "externalId", m.version`;
/** The person's columns beside a membership's, prefixed so that the two `id`s and sources stay apart. */
const MEMBER_PERSON_COLUMNS = Prisma.sql`pe.given_name AS "person.givenName", pe.family_name AS "person.familyName",
  pe.title AS "person.title", pe.hsa_id AS "person.hsaId", pe.source_system AS "person.sourceSystem",
  pe.external_id AS "person.externalId", pe.version AS "person.version"`;

export const personRow = row(
  {
    id: text(),
    givenName: text(),
    familyName: text(),
    title: nullable(text()),
    hsaId: nullable(text()),
    sourceSystem: nullable(text()),
    externalId: nullable(text()),
    version: int(),
  },
  () => Person.prototype,
);
const membershipRow = row(
  {
    id: text(),
    personId: text(),
    groupId: text(),
    role: oneOf(Object.values(MembershipRole)),
    representingOrganisationId: nullable(text()),
    validFrom: date(),
    validTo: nullable(date()),
    sourceSystem: nullable(text()),
    externalId: nullable(text()),
    version: int(),
  },
  () => Membership.prototype,
);
const memberPersonRow = row({
  "person.givenName": text(),
  "person.familyName": text(),
  "person.title": nullable(text()),
  "person.hsaId": nullable(text()),
  "person.sourceSystem": nullable(text()),
  "person.externalId": nullable(text()),
  "person.version": int(),
});

export type PersonRow = ReturnType<typeof personRow>;
export type MembershipRow = ReturnType<typeof membershipRow>;
export type MembershipWithPerson = MembershipRow & { person: PersonRow };

function membershipWithPerson(value: unknown): MembershipWithPerson {
  const membership = membershipRow(value) as MembershipWithPerson;
  const columns = memberPersonRow(value);
  const person = Object.create(Person.prototype) as PersonRow;
  person.id = membership.personId;
  person.givenName = columns["person.givenName"];
  person.familyName = columns["person.familyName"];
  person.title = columns["person.title"];
  person.hsaId = columns["person.hsaId"];
  person.sourceSystem = columns["person.sourceSystem"];
  person.externalId = columns["person.externalId"];
  person.version = columns["person.version"];
  membership.person = person;
  return membership;
}

/** The columns memberships are found by in batches, as constant SQL. */
const MEMBERSHIP_KEYS = {
  groupId: Prisma.sql`m.group_id`,
  personId: Prisma.sql`m.person_id`,
  representingOrganisationId: Prisma.sql`m.representing_organisation_id`,
} as const;

export interface MembershipFilter {
  /** null: every period. */
  day: Date | null;
}

/** A role filter applied in memory, so `chair`, `members` and `members(role: …)` of a group share one batch. */
export function withRole(
  memberships: MembershipWithPerson[],
  role: MembershipRole | null | undefined,
): MembershipWithPerson[] {
  return role ? memberships.filter((membership) => membership.role === role) : memberships;
}

export function createPeopleLoaders(prisma: Database, load: LoaderFactory) {
  const read = sqlReader(prisma);
  const personById = load<string, PersonRow | null>(async (ids) =>
    sortByKeys(
      ids,
      await read.rows(
        "person_by_id",
        Prisma.sql`SELECT ${PERSON_COLUMNS} FROM person pe WHERE pe.id = ANY(${[...ids]}::uuid[])`,
        personRow,
      ),
      (row) => row.id,
    ),
  );

  /** Personal contact data, kept apart from the person; the resolvers check `read:contact` before loading it. */
  const contactByPersonId = load<string, { email: string | null; phone: string | null } | null>(async (ids) =>
    sortByKeys(
      ids,
      await read.rows(
        "contact_by_person",
        Prisma.sql`SELECT c.person_id AS "personId", c.email, c.phone
          FROM person_contact c WHERE c.person_id = ANY(${[...ids]}::uuid[])`,
        row({ personId: text(), email: nullable(text()), phone: nullable(text()) }),
      ),
      (row) => row.personId,
    ),
  );

  /** Memberships whose `field` is one of the keys, with their people (one statement), matching the filter. */
  const membershipsBy = (name: string, field: keyof typeof MEMBERSHIP_KEYS) =>
    loadersByArguments(({ day }: MembershipFilter) =>
      load<string, MembershipWithPerson[]>(async (keys) => {
        const rows = await read.rows(
          name,
          Prisma.sql`SELECT ${MEMBERSHIP_COLUMNS}, ${MEMBER_PERSON_COLUMNS}
            FROM membership m
            -- The person by key for each membership (OFFSET 0 keeps the planner from flattening
            -- it): as a plain join the planner hashes the whole person table once a batch holds a
            -- few thousand memberships (tests/query-plans.test.ts).
            JOIN LATERAL (SELECT * FROM person pe WHERE pe.id = m.person_id OFFSET 0) pe ON TRUE
            WHERE ${MEMBERSHIP_KEYS[field]} = ANY(${[...keys]}::uuid[]) AND ${inForceSql("m", day)}`,
          membershipWithPerson,
        );
        for (const { person } of rows) personById.prime(person.id, person);
        return groupByKeys(keys, rows, (row) => row[field] as string);
      }),
    );

  return {
    personById,
    contactByPersonId,
    membershipById: load<string, MembershipRow | null>(async (ids) =>
      sortByKeys(
        ids,
        await read.rows(
          "membership_by_id",
          Prisma.sql`SELECT ${MEMBERSHIP_COLUMNS} FROM membership m WHERE m.id = ANY(${[...ids]}::uuid[])`,
          membershipRow,
        ),
        (row) => row.id,
      ),
    ),
    membershipsByGroupId: membershipsBy("memberships_by_group", "groupId"),
    membershipsByPersonId: membershipsBy("memberships_by_person", "personId"),
    membershipsByRepresentingOrganisationId: membershipsBy(
      "memberships_by_representing_organisation",
      "representingOrganisationId",
    ),
  };
}

declare module "../../graphql/module" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Loaders extends ReturnType<typeof createPeopleLoaders> {}
}
