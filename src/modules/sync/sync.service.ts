import { randomUUID } from "node:crypto";
import { channel } from "node:diagnostics_channel";
import type { Database } from "../../db/prisma";
import { Prisma, type Group, type Membership, type MembershipRole } from "../../generated/prisma/client";
import { MembershipRole as MembershipRoles } from "../../generated/prisma/enums";
import { endedOn, periodsOverlap, runsPast } from "../../db/period";
import { date, execute, int, nullable, oneOf, queryRows, row, text } from "../../db/sql";
import { BadUserInputError, ErrorCode, GraphQLErrorWithCode, NotFoundError } from "../../graphql/errors";
import { toGlobalId } from "../../graphql/global-id";
import { isoDay, yesterday } from "../../graphql/period";
import { authorizeAnyWrite, authorizeWrite } from "../../access/authorize";
import {
  changedFields,
  createdFields,
  writeTransaction,
  type Actor,
  type AuditLog,
  type Transaction,
} from "../../db/audit-log";
import {
  organisationPlaces,
  periodProblem,
  representationProblem,
  roleProblem,
  type OrganisationPlace,
} from "../people";
import { MEMBERSHIP_AUDIT_FIELDS, PERSON_AUDIT_FIELDS } from "../people";
import { parseSyncRow, type SyncRowValues } from "./sync.cells";
import { SyncMode, type AddSyncRowsInput, type SyncMembershipInput, type SyncMembershipsInput } from "./sync.inputs";
import { NATIONAL_OWNER, PROGRESS_EVERY_ROWS, syncRunsOf, type SyncRunRow, type SyncRuns } from "./sync-runs";
import {
  SyncItemStatus,
  type PersonFieldDrift,
  type SyncChange,
  type SyncItemError,
  type SyncItemResult,
  type SyncResult,
} from "./sync.types";

type MembershipState = Pick<
  Membership,
  "id" | "personId" | "groupId" | "role" | "representingOrganisationId" | "validFrom" | "validTo"
>;
type ExistingMembership = Pick<
  Membership,
  | "id"
  | "personId"
  | "groupId"
  | "role"
  | "representingOrganisationId"
  | "validFrom"
  | "validTo"
  | "sourceSystem"
  | "externalId"
  | "version"
> & {
  /** The holder as stored, so results can name the person in words. */
  personName: string;
  personSourceSystem: string | null;
  personExternalId: string | null;
  groupSlug: string;
};

interface PersonRecord {
  id: string;
  givenName: string;
  familyName: string;
  title: string | null;
  hsaId: string | null;
  sourceSystem: string | null;
  externalId: string | null;
  version: number;
  /** A person this run creates: rows that reach it compare nothing against it. */
  planned?: boolean;
}

type DriftField = "givenName" | "familyName" | "title" | "hsaId";

/** The stored person with the fields a sync run changes; audit events are written from it. */
interface PersonUpdate {
  before: PersonRecord;
  after: PersonRecord;
}

const PERSON_RECORD = row({
  id: text(),
  givenName: text(),
  familyName: text(),
  title: nullable(text()),
  hsaId: nullable(text()),
  sourceSystem: nullable(text()),
  externalId: nullable(text()),
  version: int(),
});

const EXISTING_MEMBERSHIP = row({
  id: text(),
  personId: text(),
  groupId: text(),
  role: oneOf(Object.values(MembershipRoles)),
  representingOrganisationId: nullable(text()),
  validFrom: date(),
  validTo: nullable(date()),
  sourceSystem: nullable(text()),
  externalId: nullable(text()),
  version: int(),
  personName: text(),
  personSourceSystem: nullable(text()),
  personExternalId: nullable(text()),
  groupSlug: text(),
});

interface NewPerson {
  id: string;
  givenName: string;
  familyName: string;
  title: string | null;
  hsaId: string | null;
  externalId: string | null;
}

/** One row on its way through the sync. */
interface Row {
  index: number;
  input: SyncMembershipInput;
  /** The row's cells, checked and converted; absent when a cell is bad (then `errors` says which). */
  values?: SyncRowValues;
  errors: SyncItemError[];
  status: SyncItemStatus;
  personDrift: PersonFieldDrift[];
  next?: MembershipState;
  existing?: ExistingMembership;
}

const FIELDS_COMPARED = ["personId", "groupId", "role", "representingOrganisationId", "validFrom", "validTo"] as const;

/**
 * Bulk membership sync. One transaction: the scope's groups are locked (so racing syncs of the
 * same scope run one after the other), everything needed is read in a handful of statements,
 * each row is checked in memory, and the changes are written in a few set-based statements.
 */
export class SyncService {
  constructor(private readonly prisma: Database) {}

  /** A synchronous sync: recorded as a run, and answered with its result. */
  async syncMemberships(actor: Actor, input: SyncMembershipsInput): Promise<SyncResult> {
    const owners = await this.authorize(actor, input);
    const runs = syncRunsOf(this.prisma);
    const runId = randomUUID();
    await runs.recordStart(runId, actor, input, owners, false);
    return this.run(actor, input, runId, runs, false);
  }

  /** An asynchronous sync: checked for access and scope, recorded as QUEUED, and run in the background. */
  async startMembershipSync(actor: Actor, input: SyncMembershipsInput): Promise<SyncRunRow> {
    const owners = await this.authorize(actor, input);
    const runs = syncRunsOf(this.prisma);
    const runId = randomUUID();
    const recorded = await runs.recordStart(runId, actor, input, owners, true);
    runs.enqueue(runId, { caller: actor.caller, requestId: actor.requestId }, input);
    return recorded;
  }

  /** Opens a run whose rows come in chunks (`addRows`), to be started with `startOpened`. */
  async openMembershipSync(actor: Actor, input: SyncMembershipsInput): Promise<SyncRunRow> {
    const owners = await this.authorize(actor, input);
    return syncRunsOf(this.prisma).recordOpen(randomUUID(), actor, input, owners);
  }

  addRows(actor: Actor, input: AddSyncRowsInput): Promise<SyncRunRow> {
    return syncRunsOf(this.prisma).addRows(actor, input.runId, input.offset, input.memberships);
  }

  startOpened(actor: Actor, runId: string): Promise<SyncRunRow> {
    return syncRunsOf(this.prisma).startOpened(actor, runId);
  }

  /**
   * Runs a recorded sync. The run's SUCCEEDED status is written in the sync's own transaction, so
   * a run whose process dies stays RUNNING only when nothing of it was applied. Not bound by the
   * request's read deadline (mutations never are), nor by anything else once its transaction began.
   * Waits first for one of the process's sync transaction slots (`SyncRuns.inTransactionSlot`).
   */
  async run(
    actor: Actor,
    input: SyncMembershipsInput,
    runId: string,
    runs: SyncRuns,
    keepResult: boolean,
  ): Promise<SyncResult> {
    return runs.inTransactionSlot(() => this.runInSlot(actor, input, runId, runs, keepResult));
  }

  private async runInSlot(
    actor: Actor,
    input: SyncMembershipsInput,
    runId: string,
    runs: SyncRuns,
    keepResult: boolean,
  ): Promise<SyncResult> {
    try {
      // A dry run writes like a real one, so the database's own constraints are checked too, then rolls back.
      const result = await writeTransaction(
        this.prisma,
        actor,
        async (tx, log) => {
          const result = await new SyncRun(
            tx,
            log,
            actor,
            input,
            runId,
            (rowsDone) => void runs.progress(runId, rowsDone),
          ).execute();
          await runs.recordResult(tx, runId, result, keepResult);
          return result;
        },
        { syncRunId: runId, dryRun: input.dryRun, timeoutMs: 300_000 },
      );
      // A dry run's transaction rolled its status back with everything else.
      if (input.dryRun) await runs.recordResult(this.prisma, runId, result, keepResult);
      return result;
    } catch (error) {
      await runs.recordFailure(runId, error);
      throw error;
    }
  }

  /**
   * Who owns the scope's groups, once the caller may sync them (the run checks again under its
   * locks): a refused sync is not recorded as a run.
   */
  private async authorize(actor: Actor, input: SyncMembershipsInput): Promise<string[]> {
    authorizeAnyWrite(actor.caller, "memberships");
    const { groups, countyCode } = input.scope;
    if (!groups === !countyCode)
      throw new BadUserInputError("Give the scope as either groups or countyCode", "input.scope");
    const found = await this.prisma.group.findMany({
      where: groups ? { slug: { in: groups } } : { countyCode },
      select: { slug: true, countyCode: true },
    });
    if (groups) {
      const slugs = new Set(found.map((group) => group.slug));
      const missing = groups.findIndex((slug) => !slugs.has(slug));
      if (missing >= 0)
        throw new NotFoundError(`No group has the slug ${groups[missing]}`, `input.scope.groups[${missing}]`);
    } else if (found.length === 0) {
      throw new NotFoundError(`Region ${countyCode} owns no groups`, "input.scope.countyCode");
    }
    const owners = found.map((group) => group.countyCode);
    authorizeWrite(
      actor.caller,
      owners,
      groups ? "memberships of these groups" : `memberships of region ${countyCode}'s groups`,
    );
    return [...new Set(owners.map((owner) => owner ?? NATIONAL_OWNER))].sort();
  }
}

class SyncRun {
  private readonly rows: Row[];
  private scope = new Map<string, Group>();
  private groupsBySlug = new Map<string, Group>();
  private organisations = new Map<string, OrganisationPlace>();
  private peopleByExternalId = new Map<string, PersonRecord>();
  private peopleByHsaId = new Map<string, PersonRecord>();
  private newPeople = new Map<string, NewPerson>();
  /** With `updatePeople`: the first row's values for each drifting person, by person id. */
  private personUpdates = new Map<string, PersonUpdate & { rows: Row[] }>();
  private existingByExternalId = new Map<string, ExistingMembership>();
  private inScope = new Map<string, ExistingMembership>();
  private readonly seenExternalIds = new Map<string, number>();
  /** Lets the server answer other requests while a large list is checked and written. */
  private readonly pause = new Pause(YIELD_EVERY_ROWS);

  constructor(
    private readonly tx: Transaction,
    private readonly log: AuditLog,
    private readonly actor: Actor,
    private readonly input: SyncMembershipsInput,
    private readonly runId: string,
    private readonly onProgress: (rowsDone: number) => void = () => undefined,
  ) {
    this.rows = input.memberships.map((membership, index) => ({
      index,
      input: membership,
      errors: [],
      personDrift: [],
      status: SyncItemStatus.FAILED,
    }));
  }

  /** The rows whose every cell is good: only their values reach SQL statements and the checks. */
  private get parsedRows(): (Row & { values: SyncRowValues })[] {
    return this.rows.filter((row): row is Row & { values: SyncRowValues } => row.values !== undefined);
  }

  async execute(): Promise<SyncResult> {
    await this.lockScope();
    syncProgress.publish({ runId: this.runId, phase: "started" });
    for (const row of this.rows) {
      const { values, errors } = parseSyncRow(row.input);
      row.values = values;
      row.errors.push(...errors);
      await this.pause.now();
    }
    await this.load();
    await this.lockNewPersonKeys();
    for (const row of this.rows) {
      this.plan(row);
      if ((row.index + 1) % PROGRESS_EVERY_ROWS === 0) this.onProgress(row.index + 1);
      await this.pause.now();
    }
    const ended = this.input.mode === SyncMode.REPLACE ? this.toEnd() : [];
    await this.checkOverlaps(ended);
    const failed = this.rows.filter((row) => row.errors.length > 0);
    for (const row of failed) row.status = SyncItemStatus.FAILED;
    const atomic = this.input.atomic || this.input.mode === SyncMode.REPLACE;
    const rejected = atomic && failed.length > 0;
    const accepted = this.rows.filter((row) => row.errors.length === 0);
    const peopleUsed = distinct(accepted, (row) => row.next?.personId);
    const newPeople = [...this.newPeople.values()].filter((person) => peopleUsed.has(person.id));
    const personUpdates = this.acceptedPersonUpdates();
    if (!rejected) {
      this.assertSafeReplace(ended);
      await this.write(accepted, ended, newPeople);
      await this.updatePeople(personUpdates);
    }
    const applied = !rejected && !this.input.dryRun;
    const items: SyncItemResult[] = [];
    for (const row of this.rows) {
      items.push(this.itemResult(row, applied));
      await this.pause.now();
    }
    const created: SyncChange[] = [];
    const updated: SyncChange[] = [];
    for (const row of accepted) {
      if (row.status === SyncItemStatus.CREATED) created.push(this.rowChange(row, applied));
      else if (row.status === SyncItemStatus.UPDATED) updated.push(this.rowChange(row, true));
      await this.pause.now();
    }
    syncProgress.publish({ runId: this.runId, phase: "written" });
    return {
      runId: this.runId,
      mode: this.input.mode,
      dryRun: this.input.dryRun,
      applied,
      counts: {
        created: this.count(SyncItemStatus.CREATED),
        updated: this.count(SyncItemStatus.UPDATED),
        unchanged: this.count(SyncItemStatus.UNCHANGED),
        failed: failed.length,
        ended: ended.length,
        peopleCreated: newPeople.length,
        peopleUpdated: personUpdates.length,
      },
      items,
      failures: items.filter((item) => item.status === SyncItemStatus.FAILED),
      created,
      updated,
      ended: ended.map((membership) => this.storedChange(membership, null)),
      endedMembershipIds: applied ? ended.map((membership) => toGlobalId("Membership", membership.id)) : [],
    };
  }

  /** Locks the scope's groups in a fixed order: a second sync of an overlapping scope waits here, then reads what the first committed. */
  private async lockScope(): Promise<void> {
    const { groups, countyCode } = this.input.scope;
    const inScope = groups ? Prisma.sql`"slug" = ANY(${groups}::text[])` : Prisma.sql`"county_code" = ${countyCode}`;
    const locked = await queryRows(
      this.tx,
      Prisma.sql`SELECT "id" FROM "governance_group" WHERE ${inScope} ORDER BY "id" FOR UPDATE`,
      row({ id: text() }),
    );
    const found = await this.tx.group.findMany({ where: { id: { in: locked.map((row) => row.id) } } });
    if (groups) {
      const missing = groups.findIndex((slug) => !found.some((group) => group.slug === slug));
      if (missing >= 0)
        throw new NotFoundError(`No group has the slug ${groups[missing]}`, `input.scope.groups[${missing}]`);
    } else if (found.length === 0) {
      throw new NotFoundError(`Region ${countyCode} owns no groups`, "input.scope.countyCode");
    }
    authorizeWrite(
      this.actor.caller,
      found.map((group) => group.countyCode),
      groups ? "memberships of these groups" : `memberships of region ${countyCode}'s groups`,
    );
    this.scope = new Map(found.map((group) => [group.id, group]));
    for (const group of found) this.groupsBySlug.set(group.slug, group);
  }

  /**
   * Syncs of different scopes do not wait for each other's groups, yet may create the same new
   * person (one source's external id, or one HSA-id from two sources). Each takes transaction-level
   * advisory locks on buckets of the person keys its rows name that no stored person has, in
   * ascending order, then reads those keys again: a second sync with a shared new key waits here
   * for the first to commit, then finds the person it created, instead of colliding on the unique
   * keys (a rerun of the whole sync) or deadlocking with it. Keys already stored need no lock, so
   * syncs whose people all exist (every nightly re-run) do not wait for each other at all; with
   * 256 buckets, two lists of a few hundred new people almost surely share one. The locks come
   * before any write of this run, so a sync waiting for them holds no row another may need.
   */
  private async lockNewPersonKeys(): Promise<void> {
    const source = this.input.sourceSystem;
    const buckets = new Set<number>();
    const newExternalIds = new Set<string>();
    const newHsaIds = new Set<string>();
    for (const { values } of this.parsedRows) {
      const { externalId, hsaId } = values.person;
      if (externalId !== null && !this.peopleByExternalId.has(externalId)) {
        newExternalIds.add(externalId);
        buckets.add(personKeyBucket(`ext\u0000${source}\u0000${externalId}`));
      }
      if (hsaId !== null && !this.peopleByHsaId.has(hsaId)) {
        newHsaIds.add(hsaId);
        buckets.add(personKeyBucket(`hsa\u0000${hsaId}`));
      }
    }
    if (buckets.size === 0) return;
    await queryRows(
      this.tx,
      Prisma.sql`SELECT count(pg_advisory_xact_lock(${PERSON_KEY_LOCK_CLASS}::int, b))::int AS "locked"
        FROM (SELECT b FROM unnest(${[...buckets].sort((a, b) => a - b)}::int[]) AS b ORDER BY b) AS ordered`,
      row({ locked: int() }),
    );
    // Read committed: this statement sees the people a sync that held a bucket before created.
    this.addPeople(await this.readPeople([...newExternalIds], [...newHsaIds]));
  }

  private readPeople(externalIds: string[], hsaIds: string[]): Promise<PersonRecord[]> {
    return queryRows(this.tx, peopleByKeysQuery(this.input.sourceSystem, externalIds, hsaIds), PERSON_RECORD);
  }

  private addPeople(people: PersonRecord[]): void {
    const source = this.input.sourceSystem;
    for (const person of people) {
      if (person.sourceSystem === source && person.externalId) this.peopleByExternalId.set(person.externalId, person);
      if (person.hsaId) this.peopleByHsaId.set(person.hsaId, person);
    }
  }

  private async load(): Promise<void> {
    const rows = this.parsedRows.map((row) => row.values);
    const source = this.input.sourceSystem;
    const otherSlugs = [...new Set(rows.map((row) => row.group))].filter((slug) => !this.groupsBySlug.has(slug));
    const personExternalIds = [...distinct(rows, (row) => row.person.externalId)];
    const hsaIds = [...distinct(rows, (row) => row.person.hsaId)];
    const [outside, organisations, people, memberships] = await Promise.all([
      otherSlugs.length ? this.tx.group.findMany({ where: { slug: { in: otherSlugs } } }) : [],
      organisationPlaces(this.tx, {
        slugs: [...distinct(rows, (row) => row.representing)],
      }),
      this.readPeople(personExternalIds, hsaIds),
      this.readInPages(
        existingMembershipsQuery(
          [...this.scope.keys()],
          source,
          rows.map((row) => row.externalId),
        ),
      ),
    ]);
    for (const group of outside) this.groupsBySlug.set(group.slug, group);
    this.organisations = new Map(organisations.map((organisation) => [organisation.slug, organisation]));
    this.addPeople(people);
    for (const membership of memberships) {
      if (membership.sourceSystem === source && membership.externalId)
        this.existingByExternalId.set(membership.externalId, membership);
      if (this.scope.has(membership.groupId)) this.inScope.set(membership.id, membership);
    }
  }

  /**
   * The existing memberships a run compares with, read through a cursor in pages with a turn of
   * the event loop between them: turning 10 000 result rows into values held the event loop
   * about 70 ms in one piece, 50 000 several times that.
   */
  private async readInPages(query: Prisma.Sql): Promise<ExistingMembership[]> {
    await execute(this.tx, Prisma.sql`DECLARE "sync_existing_memberships" NO SCROLL CURSOR FOR ${query}`);
    const memberships: ExistingMembership[] = [];
    for (;;) {
      const page = await queryRows(
        this.tx,
        Prisma.sql`FETCH FORWARD ${Prisma.raw(String(READ_PAGE_ROWS))} FROM "sync_existing_memberships"`,
        EXISTING_MEMBERSHIP,
      );
      for (const membership of page) memberships.push(membership);
      // The cursor closes with the transaction.
      if (page.length < READ_PAGE_ROWS) return memberships;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Checks one row and works out the membership it asks for. */
  private plan(row: Row): void {
    const input = row.values;
    if (!input) return;
    const fail = (field: string, message: string, code = "BAD_USER_INPUT") => row.errors.push({ code, field, message });
    if (this.seenExternalIds.has(input.externalId))
      fail("externalId", `Duplicate of row ${this.seenExternalIds.get(input.externalId)}`, "CONFLICT");
    else this.seenExternalIds.set(input.externalId, row.index);

    const personId = this.person(row, input, fail);
    const known = this.groupsBySlug.get(input.group);
    if (!known) fail("group", `No group has the slug ${input.group}`, "NOT_FOUND");
    else if (!this.scope.has(known.id)) fail("group", `${input.group} is outside the sync's scope`);
    const group = known && this.scope.has(known.id) ? known : undefined;
    let organisationId: string | null = null;
    if (input.representing) {
      const organisation = this.organisations.get(input.representing);
      if (!organisation) fail("representing", `No organisation has the slug ${input.representing}`, "NOT_FOUND");
      else {
        organisationId = organisation.id;
        const problem = group && representationProblem(organisation, group, input.role);
        if (problem) fail("representing", problem);
      }
    }
    if (group) {
      const role = roleProblem(input.role, group.kind);
      if (role) fail("role", role);
      const period = periodProblem(input.validFrom, input.validTo ?? null, group);
      if (period) fail(period.field, period.message);
    }
    const existing = this.existingByExternalId.get(input.externalId);
    if (existing && !this.scope.has(existing.groupId)) {
      const conflictsWith = this.storedChange(existing, null);
      row.errors.push({
        code: "CONFLICT",
        field: "externalId",
        message: `This source's membership ${input.externalId} is in a group outside the sync's scope: ${describeChange(conflictsWith)}`,
        conflictsWith,
      });
    }
    if (row.errors.length > 0 || !group || !personId) return;

    row.existing = existing;
    row.next = {
      id: existing?.id ?? randomUUID(),
      personId,
      groupId: group.id,
      role: input.role,
      representingOrganisationId: organisationId,
      validFrom: input.validFrom,
      validTo: input.validTo,
    };
    row.status = !existing
      ? SyncItemStatus.CREATED
      : Object.keys(changedFields(existing, row.next, FIELDS_COMPARED)).length
        ? SyncItemStatus.UPDATED
        : SyncItemStatus.UNCHANGED;
  }

  /** The row's person: matched by external id, then HSA-id, or planned as new. */
  private person(
    row: Row,
    values: SyncRowValues,
    fail: (field: string, message: string, code?: string) => void,
  ): string | undefined {
    const { externalId, hsaId, givenName, familyName, title } = values.person;

    const byExternalId = externalId ? this.peopleByExternalId.get(externalId) : undefined;
    const byHsaId = hsaId ? this.peopleByHsaId.get(hsaId) : undefined;
    if (byExternalId && byHsaId && byExternalId.id !== byHsaId.id) {
      fail(
        "person.hsaId",
        `The HSA-id ${hsaId} belongs to ${byHsaId.givenName} ${byHsaId.familyName}${byHsaId.externalId ? ` (externalId ${byHsaId.externalId} of source system ${byHsaId.sourceSystem})` : ""}, not to the person with externalId ${externalId}`,
        "CONFLICT",
      );
      return undefined;
    }
    const known = byExternalId ?? byHsaId;
    if (known) {
      if (!known.planned) this.checkDrift(row, values, known);
      return known.id;
    }
    const key = externalId ? `ext:${externalId}` : `hsa:${hsaId}`;
    const planned = this.newPeople.get(key);
    if (planned) {
      if (hsaId && planned.hsaId && planned.hsaId !== hsaId) {
        fail("person.hsaId", `An earlier row gives this person the HSA-id ${planned.hsaId}`, "CONFLICT");
        return undefined;
      }
      return planned.id;
    }
    const person: NewPerson = {
      id: randomUUID(),
      givenName,
      familyName,
      title,
      hsaId,
      externalId,
    };
    this.newPeople.set(key, person);
    // Later rows with only the HSA-id (or only the external id) find the same new person.
    const record: PersonRecord = {
      ...person,
      sourceSystem: externalId ? this.input.sourceSystem : null,
      version: 1,
      planned: true,
    };
    if (hsaId) this.peopleByHsaId.set(hsaId, record);
    if (externalId) this.peopleByExternalId.set(externalId, record);
    return person.id;
  }

  /**
   * Where the row's person differs from the stored one. With `updatePeople`, a person the source
   * owns (keyed by its external id in this source) takes the row's names and title, and an HSA-id
   * when none is stored; a stored HSA-id is never replaced, and people of other sources are not
   * changed. The first row that changes a person decides; later rows are compared with the stored
   * person as it is.
   */
  private checkDrift(row: Row, values: SyncRowValues, stored: PersonRecord): void {
    const { givenName, familyName, title, hsaId } = values.person;
    const received: Record<DriftField, string | null> = { givenName, familyName, title, hsaId };
    const owned = stored.sourceSystem === this.input.sourceSystem && stored.externalId !== null;
    for (const field of ["givenName", "familyName", "title", "hsaId"] as const) {
      const value = received[field];
      // A row without a title or HSA-id says nothing about them.
      if (value === null || value === stored[field]) continue;
      const mayUpdate = this.input.updatePeople && owned && (field !== "hsaId" || stored.hsaId === null);
      let updated = false;
      if (mayUpdate) {
        let update = this.personUpdates.get(stored.id);
        if (!update) {
          update = { before: stored, after: { ...stored }, rows: [] };
          this.personUpdates.set(stored.id, update);
        }
        if (update.after[field] === stored[field] || update.after[field] === value) {
          update.after[field] = value;
          updated = true;
          if (!update.rows.includes(row)) update.rows.push(row);
          // A later row that gives another person this HSA-id now meets this one.
          if (field === "hsaId") this.peopleByHsaId.set(value, stored);
        }
      }
      row.personDrift.push({ field, stored: stored[field], received: value, updated });
    }
  }

  /** The person updates of rows that are applied (a person changes when any of its rows is). */
  private acceptedPersonUpdates(): PersonUpdate[] {
    return [...this.personUpdates.values()].filter((update) => update.rows.some((row) => row.errors.length === 0));
  }

  /** REPLACE: the source's running memberships in scope that the list no longer has. */
  private toEnd(): ExistingMembership[] {
    // A REPLACE with a bad row is rejected, but says what it would end: a row's key counts as listed even when another cell is bad.
    const listed = new Set(this.rows.map((row) => row.input.externalId));
    const lastDay = yesterday();
    return [...this.inScope.values()]
      .filter(
        (m) =>
          m.sourceSystem === this.input.sourceSystem &&
          m.externalId !== null &&
          !listed.has(m.externalId) &&
          runsPast(m, lastDay),
      )
      .map((m) => ({ ...m, validTo: endedOn(m, lastDay) }));
  }

  /**
   * REPLACE trusts the list to be the whole truth, so a list that is empty or would end more than
   * `maxEndedShare` of what runs (a truncated export) is refused before anything is written.
   * Dry runs are refused the same way: they say what the real run would do.
   */
  private assertSafeReplace(ended: ExistingMembership[]): void {
    if (this.input.mode !== SyncMode.REPLACE) return;
    const lastDay = yesterday();
    const source = this.input.sourceSystem;
    let running = 0;
    for (const m of this.inScope.values())
      if (m.sourceSystem === source && m.externalId !== null && runsPast(m, lastDay)) running++;
    const wouldEnd = ended.length;
    const share = running === 0 ? 0 : wouldEnd / running;
    const { maxEndedShare, allowEmpty } = this.input;
    const details = { wouldEnd, running, share, maxEndedShare };
    if (this.rows.length === 0 && !allowEmpty) {
      const message = `A REPLACE without rows would end all ${wouldEnd} running memberships of ${source} in scope; give allowEmpty: true if that is meant`;
      throw new GraphQLErrorWithCode(message, ErrorCode.BAD_USER_INPUT, {
        fields: [{ path: "input.allowEmpty", message }],
        ...details,
      });
    }
    if (this.rows.length > 0 && share > maxEndedShare) {
      const percent = (value: number) => `${Math.round(value * 1000) / 10} %`;
      const message = `This REPLACE would end ${wouldEnd} of ${running} running memberships of ${source} in scope (${percent(share)}), more than maxEndedShare ${percent(maxEndedShare)}; raise maxEndedShare if that is meant`;
      throw new GraphQLErrorWithCode(message, ErrorCode.BAD_USER_INPUT, {
        fields: [{ path: "input.maxEndedShare", message }],
        ...details,
      });
    }
  }

  /**
   * A person holds a role in a group once at a time, and a group has one chair at a time. Each
   * row is checked, in list order, against the memberships it would stand beside; a row that
   * collides fails, names what it collides with, and is left out.
   */
  private async checkOverlaps(ended: ExistingMembership[]): Promise<void> {
    const touched = distinct(this.rows, (row) => (row.next ? row.existing?.id : undefined));
    const endedById = new Map(ended.map((m) => [m.id, m]));
    // One pass: each membership is filed under its seat (group, person, role) and, for chairs,
    // under its group's chairs, so a row is compared only with what could collide with it.
    const standing = new Map<string, Standing[]>();
    const file = (key: string, entry: Standing) => {
      const list = standing.get(key);
      if (list) list.push(entry);
      else standing.set(key, [entry]);
    };
    const add = (entry: Standing) => {
      file(seatKey(entry.state), entry);
      if (entry.state.role === "CHAIR") file(chairsKey(entry.state), entry);
    };
    const collides =
      (next: MembershipState) =>
      ({ state: other }: Standing) =>
        other.id !== next.id && periodsOverlap(other, next);
    for (const m of this.inScope.values())
      if (!touched.has(m.id)) add({ state: endedById.get(m.id) ?? m, stored: endedById.get(m.id) ?? m });
    for (const row of this.rows) {
      await this.pause.now();
      const next = row.next;
      if (!next || row.errors.length > 0) continue;
      const clash =
        standing.get(seatKey(next))?.find(collides(next)) ??
        (next.role === "CHAIR" ? standing.get(chairsKey(next))?.find(collides(next)) : undefined);
      if (!clash) {
        add({ state: next, row });
        continue;
      }
      const between = period(clash.state);
      const conflictsWith = clash.row
        ? this.rowChange(clash.row, clash.row.existing !== undefined)
        : this.storedChange(clash.stored as ExistingMembership, null);
      const where = describeChange(conflictsWith);
      row.errors.push({
        code: "CONFLICT",
        field: "validFrom",
        message: sameSeat(clash.state, next)
          ? `The person already holds ${next.role} in this group ${between}: ${where}`
          : `The group already has a chair ${between}: ${where}; one chair at a time`,
        conflictsWith,
      });
      if (row.existing) add({ state: row.existing, stored: row.existing });
    }
  }

  private async write(rows: Row[], ended: ExistingMembership[], newPeople: NewPerson[]): Promise<void> {
    const source = this.input.sourceSystem;
    if (newPeople.length > 0) {
      await inChunks(newPeople, (chunk) =>
        execute(
          this.tx,
          Prisma.sql`INSERT INTO "person" ("id", "given_name", "family_name", "title", "hsa_id", "source_system", "external_id")
         SELECT u.id, u.given_name, u.family_name, u.title, u.hsa_id, CASE WHEN u.external_id IS NULL THEN NULL ELSE ${source}::text END, u.external_id
         FROM json_to_recordset(${jsonRows(chunk.map((p) => ({ id: p.id, given_name: p.givenName, family_name: p.familyName, title: p.title, hsa_id: p.hsaId, external_id: p.externalId })))}::json)
           AS u(id uuid, given_name text, family_name text, title text, hsa_id text, external_id text)`,
        ),
      );
      for (const person of newPeople) {
        await this.pause.now();
        const row = { ...person, sourceSystem: person.externalId ? source : null };
        this.log.record({
          entity: "PERSON",
          entityId: person.id,
          action: "CREATED",
          version: 1,
          changes: createdFields(row, PERSON_AUDIT_FIELDS),
        });
      }
    }
    const created = rows.filter((row) => row.status === SyncItemStatus.CREATED);
    if (created.length > 0) {
      // Each chunk's columns are built as it is written, not all 50 000 rows' in one turn.
      await inChunks(created, (chunk) =>
        execute(
          this.tx,
          Prisma.sql`INSERT INTO "membership" ("id", "person_id", "group_id", "role", "representing_organisation_id", "valid_from", "valid_to", "source_system", "external_id")
         SELECT u.id, u.person_id, u.group_id, u.role::"MembershipRole", u.organisation_id, u.valid_from, u.valid_to, ${source}::text, u.external_id
         FROM json_to_recordset(${jsonRows(chunk.map((row) => ({ ...membershipColumns(row.next as MembershipState), external_id: (row.values as SyncRowValues).externalId })))}::json)
           AS u(${MEMBERSHIP_RECORD}, external_id text)`,
        ),
      );
      for (const row of rows) {
        await this.pause.now();
        if (row.status !== SyncItemStatus.CREATED || !row.next) continue;
        const membership = { ...row.next, sourceSystem: source, externalId: (row.values as SyncRowValues).externalId };
        this.log.record({
          entity: "MEMBERSHIP",
          entityId: row.next.id,
          action: "CREATED",
          version: 1,
          changes: createdFields(membership, MEMBERSHIP_AUDIT_FIELDS),
        });
      }
    }
    const updated = rows.filter((row) => row.status === SyncItemStatus.UPDATED);
    const changes = [
      ...updated.map((row) => ({
        before: row.existing as ExistingMembership,
        after: row.next as MembershipState,
        action: "UPDATED" as const,
      })),
      ...ended.map((after) => ({
        before: this.inScope.get(after.id) as ExistingMembership,
        after,
        action: "ENDED" as const,
      })),
    ];
    if (changes.length > 0) {
      await inChunks(changes, (chunk) =>
        execute(
          this.tx,
          Prisma.sql`UPDATE "membership" m SET "person_id" = u.person_id, "group_id" = u.group_id, "role" = u.role::"MembershipRole", "representing_organisation_id" = u.organisation_id,
           "valid_from" = u.valid_from, "valid_to" = u.valid_to, "version" = m."version" + 1, "updated_at" = now()
         FROM json_to_recordset(${jsonRows(chunk.map((change) => membershipColumns(change.after)))}::json) AS u(${MEMBERSHIP_RECORD})
         WHERE m."id" = u.id`,
        ),
      );
      for (const { before, after, action } of changes) {
        await this.pause.now();
        this.log.record({
          entity: "MEMBERSHIP",
          entityId: before.id,
          action,
          version: before.version + 1,
          changes: changedFields(before, { ...before, ...after }, MEMBERSHIP_AUDIT_FIELDS),
        });
      }
    }
  }

  private async updatePeople(updates: PersonUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await inChunks(
      updates.map((update) => update.after),
      (afters) =>
        execute(
          this.tx,
          Prisma.sql`UPDATE "person" p SET "given_name" = u.given_name, "family_name" = u.family_name, "title" = u.title, "hsa_id" = u.hsa_id,
         "version" = p."version" + 1, "updated_at" = now()
       FROM json_to_recordset(${jsonRows(afters.map((p) => ({ id: p.id, given_name: p.givenName, family_name: p.familyName, title: p.title, hsa_id: p.hsaId })))}::json)
         AS u(id uuid, given_name text, family_name text, title text, hsa_id text)
       WHERE p."id" = u.id`,
        ),
    );
    for (const { before, after } of updates) {
      this.log.record({
        entity: "PERSON",
        entityId: before.id,
        action: "UPDATED",
        version: before.version + 1,
        changes: changedFields(before, after, PERSON_AUDIT_FIELDS),
      });
    }
  }

  private itemResult(row: Row, applied: boolean): SyncItemResult {
    const ok = row.errors.length === 0 && row.next;
    return {
      index: row.index,
      externalId: typeof row.input.externalId === "string" ? row.input.externalId : null,
      status: row.errors.length > 0 ? SyncItemStatus.FAILED : row.status,
      membershipId: applied && ok && row.next ? toGlobalId("Membership", row.next.id) : null,
      errors: row.errors,
      personDrift: row.personDrift,
    };
  }

  /** A created or updated membership as its row gives it; `idExists` when the membership is (or stays) in the database. */
  private rowChange(row: Row, idExists: boolean): SyncChange {
    const next = row.next as MembershipState;
    const values = row.values as SyncRowValues;
    const { person } = values;
    return {
      membershipId: idExists ? toGlobalId("Membership", next.id) : null,
      sourceSystem: this.input.sourceSystem,
      externalId: values.externalId,
      personExternalId: person.externalId,
      personName: `${person.givenName} ${person.familyName}`,
      group: values.group,
      role: next.role,
      validFrom: next.validFrom,
      validTo: next.validTo,
      index: row.index,
    };
  }

  /** An existing membership as stored (or as ending makes it), named in the terms of its source system. */
  private storedChange(membership: ExistingMembership, index: number | null): SyncChange {
    return {
      membershipId: toGlobalId("Membership", membership.id),
      sourceSystem: membership.sourceSystem,
      externalId: membership.externalId,
      personExternalId: membership.personSourceSystem === membership.sourceSystem ? membership.personExternalId : null,
      personName: membership.personName,
      group: membership.groupSlug,
      role: membership.role,
      validFrom: membership.validFrom,
      validTo: membership.validTo,
      index,
    };
  }

  private count(status: SyncItemStatus): number {
    return this.rows.filter((row) => row.errors.length === 0 && row.status === status).length;
  }
}

/**
 * Reports a run's progress (`{ runId, phase }`: "started" once the scope is locked, "written"
 * when its own checks and writes are done) for monitoring and for tests that watch the event loop.
 */
export const syncProgress = channel("kunskapsgraf:sync");

/** The first key of the sync's person-key advisory locks (`pg_advisory_xact_lock(int, int)`); no other lock uses it. */
const PERSON_KEY_LOCK_CLASS = 0x5359_4e43; // "SYNC"

/** How many buckets person keys are hashed into: at most this many advisory locks per run. */
const PERSON_KEY_BUCKETS = 256;

/** FNV-1a of the key, into one of PERSON_KEY_BUCKETS buckets. */
function personKeyBucket(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % PERSON_KEY_BUCKETS;
}

/** How many rows of work a sync does between two turns of the event loop. */
const YIELD_EVERY_ROWS = 1_000;

/** Counts steps of work and gives the event loop a turn after every `every` of them. */
class Pause {
  private steps = 0;

  constructor(private readonly every: number) {}

  async now(): Promise<void> {
    if (++this.steps % this.every === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

function seatKey(m: MembershipState): string {
  return `seat:${m.groupId}:${m.personId}:${m.role}`;
}

function chairsKey(m: MembershipState): string {
  return `chairs:${m.groupId}`;
}

/** A membership a row would stand beside: a stored one, or one a row of the list asks for. */
interface Standing {
  state: MembershipState;
  stored?: ExistingMembership;
  row?: Row;
}

function period(state: Pick<MembershipState, "validFrom" | "validTo">): string {
  return `${isoDay(state.validFrom)}–${state.validTo ? isoDay(state.validTo) : ""}`;
}

/** A membership in words an integration author can act on: where it comes from, whose it is and when. */
function describeChange(change: SyncChange): string {
  const origin =
    change.index !== null
      ? `row ${change.index} (externalId ${change.externalId})`
      : change.sourceSystem && change.externalId
        ? `membership ${change.externalId} of source system ${change.sourceSystem}`
        : `membership ${change.membershipId} entered through the API, not by a sync`;
  return `${origin}, ${change.personName}, ${change.role} in ${change.group} ${period(change)}`;
}

/** The seven membership columns of a `json_to_recordset(…)` row. */
const MEMBERSHIP_RECORD = Prisma.raw(
  "id uuid, person_id uuid, group_id uuid, role text, organisation_id uuid, valid_from date, valid_to date",
);

function membershipColumns(m: MembershipState): Record<string, string | null> {
  const role: MembershipRole = m.role;
  return {
    id: m.id,
    person_id: m.personId,
    group_id: m.groupId,
    role,
    organisation_id: m.representingOrganisationId,
    valid_from: isoDay(m.validFrom),
    valid_to: m.validTo ? isoDay(m.validTo) : null,
  };
}

/**
 * Rows for a set-based write as one JSON text parameter, read with `json_to_recordset`. One string
 * is serialised in milliseconds; typed array parameters of 50 000 values each cost the driver
 * seconds of work that holds the event loop.
 */
/** A text array given as one JSON parameter, for `= ANY(…)`; see `jsonRows`. */
/**
 * A list as rows `(value text)` from one JSON parameter: Prisma's IN lists of 10 000 values cost
 * far more. Lists are joined, never tested with `= ANY(ARRAY(…))`: such a filter, evaluated on
 * each row of a scanned table, compares every row with every value. PostgreSQL chose exactly
 * that for the existing memberships' cursor (planned for its first rows): about a second for
 * 2 000 rows against 60 000 memberships.
 */
function jsonTextRows(values: string[]): Prisma.Sql {
  return Prisma.sql`json_array_elements_text(${JSON.stringify(values)}::json)`;
}

/** The people that have one of a source's external ids, or one of the HSA-ids. */
export function peopleByKeysQuery(sourceSystem: string, externalIds: string[], hsaIds: string[]): Prisma.Sql {
  const columns = Prisma.sql`k."id", k."given_name" AS "givenName", k."family_name" AS "familyName", k."title", k."hsa_id" AS "hsaId",
       k."source_system" AS "sourceSystem", k."external_id" AS "externalId", k."version"`;
  // UNION: a person found by both keys is one row.
  return Prisma.sql`SELECT ${columns} FROM ${jsonTextRows(externalIds)} AS e("value") JOIN "person" k ON k."source_system" = ${sourceSystem} AND k."external_id" = e."value"
     UNION
     SELECT ${columns} FROM ${jsonTextRows(hsaIds)} AS e("value") JOIN "person" k ON k."hsa_id" = e."value"`;
}

/**
 * The memberships a run compares with: those of the scope's groups, and those of the run's source
 * with one of its rows' external ids (which may sit outside the scope), with what is shown of
 * their person and group.
 */
export function existingMembershipsQuery(
  scopeGroupIds: string[],
  sourceSystem: string,
  externalIds: string[],
): Prisma.Sql {
  return Prisma.sql`SELECT m."id", m."person_id" AS "personId", m."group_id" AS "groupId", m."role"::text AS "role", m."representing_organisation_id" AS "representingOrganisationId",
       m."valid_from" AS "validFrom", m."valid_to" AS "validTo", m."source_system" AS "sourceSystem", m."external_id" AS "externalId", m."version",
       p."given_name" || ' ' || p."family_name" AS "personName", p."source_system" AS "personSourceSystem", p."external_id" AS "personExternalId",
       g."slug" AS "groupSlug"
     FROM "membership" m JOIN "person" p ON p."id" = m."person_id" JOIN "governance_group" g ON g."id" = m."group_id"
     WHERE m."id" IN (
       SELECT k."id" FROM "membership" k WHERE k."group_id" = ANY(${scopeGroupIds}::uuid[])
       UNION ALL
       SELECT k."id" FROM ${jsonTextRows(externalIds)} AS e("value") JOIN "membership" k ON k."source_system" = ${sourceSystem} AND k."external_id" = e."value")`;
}

/**
 * Rows written per statement. Handing a statement's parameters to the database client holds the
 * event loop in proportion to their size (serialising the rows, then Prisma's query compiler
 * reading the one large text parameter: about 110 ms for 5 000 memberships), so large lists are
 * written in chunks with a turn of the event loop between them: one statement per kind up to
 * this many rows, about 45 ms of work each.
 */
const WRITE_CHUNK_ROWS = 2_000;

/** Existing memberships read per page of the sync's cursor (about 15 ms of decoding each). */
const READ_PAGE_ROWS = 2_000;

async function inChunks<T>(items: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += WRITE_CHUNK_ROWS) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    await write(items.slice(start, start + WRITE_CHUNK_ROWS));
  }
}

function jsonRows(rows: Record<string, string | null | undefined>[]): string {
  return JSON.stringify(rows);
}

/**
 * The distinct non-empty keys of `items`. A loop, not `flatMap` into a Set: over 50 000 rows,
 * flatMap's one small array per row held the event loop about 70 ms.
 */
function distinct<T>(items: readonly T[], key: (item: T) => string | null | undefined): Set<string> {
  const keys = new Set<string>();
  for (const item of items) {
    const value = key(item);
    if (value) keys.add(value);
  }
  return keys;
}

function sameSeat(a: MembershipState, b: MembershipState): boolean {
  return a.personId === b.personId && a.role === b.role;
}
