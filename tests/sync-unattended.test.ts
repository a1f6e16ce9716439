import { gql, lpoSlugs, startTestServer, type TestServer } from "./support/test-server";

/**
 * What an unattended integration (a nightly HR export) needs from `syncMemberships`: protection
 * against a truncated export, a result that names every change in the source's own ids, person
 * drift, conflicts it can act on, and a sync that does not stall the server.
 */
const SYNC = `mutation($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) {
    applied
    counts { created updated ended unchanged failed peopleCreated }
    failures { index errors { code field message } }
    endedMembershipIds
  }
}`;

interface Row {
  externalId: string;
  person: { externalId?: string; hsaId?: string; givenName: string; familyName: string; title?: string | null };
  group: string;
  role: string;
  representing?: string;
  validFrom: string;
  validTo?: string | null;
}

interface GraphQLErrorShape {
  message: string;
  extensions?: Record<string, unknown>;
}

let server: TestServer;
let writer: Record<string, string>;
let lpos22: string[];

beforeAll(async () => {
  server = await startTestServer();
  writer = await server.keyHeaders(["write:region:22"], "unattended-hr");
  lpos22 = await lpoSlugs(server.prisma, "22");
});

afterAll(() => server.stop());

function rows(count: number, prefix: string, groups = lpos22): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    externalId: `${prefix}-m${i}`,
    person: { externalId: `${prefix}-p${i}`, givenName: "Anna", familyName: `Unattended ${prefix} ${i}` },
    group: groups[i % groups.length]!,
    role: "MEMBER",
    representing: "region-vasternorrland",
    validFrom: "2024-01-01",
  }));
}

async function run<Result>(query: string, input: Record<string, unknown>) {
  return gql<{ syncMemberships: Result }>(
    server.url,
    query,
    { input: { scope: { countyCode: "22" }, ...input } },
    writer,
  );
}

async function sync<Result = { applied: boolean; counts: Record<string, number> }>(
  input: Record<string, unknown>,
  query = SYNC,
): Promise<Result> {
  const response = await run<Result>(query, input);
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!.syncMemberships;
}

async function refusal(input: Record<string, unknown>): Promise<GraphQLErrorShape> {
  const response = await run(SYNC, input);
  expect(response.data?.syncMemberships ?? null).toBeNull();
  expect(response.errors).toHaveLength(1);
  return response.errors![0] as GraphQLErrorShape;
}

const runningCount = (sourceSystem: string) =>
  server.prisma.membership.count({ where: { sourceSystem, validTo: null } });

describe("REPLACE safety", () => {
  it("refuses a REPLACE without rows unless allowEmpty, dry run or not, and writes nothing", async () => {
    await sync({ sourceSystem: "hr-safe-empty", mode: "MERGE", memberships: rows(10, "e") });
    for (const dryRun of [true, false]) {
      const error = await refusal({ sourceSystem: "hr-safe-empty", mode: "REPLACE", dryRun, memberships: [] });
      expect(error.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        fields: [expect.objectContaining({ path: "input.allowEmpty" })],
        wouldEnd: 10,
        running: 10,
        share: 1,
      });
      expect(error.message).toContain("10");
    }
    // Even with nothing running, an empty list is refused: it is most likely a broken export.
    const none = await refusal({ sourceSystem: "hr-safe-nothing", mode: "REPLACE", memberships: [] });
    expect(none.extensions).toMatchObject({ code: "BAD_USER_INPUT", wouldEnd: 0, running: 0 });
    expect(await runningCount("hr-safe-empty")).toBe(10);

    // A generous maxEndedShare does not stand in for allowEmpty.
    await refusal({ sourceSystem: "hr-safe-empty", mode: "REPLACE", maxEndedShare: 1, memberships: [] });
    const allowed = await sync({ sourceSystem: "hr-safe-empty", mode: "REPLACE", allowEmpty: true, memberships: [] });
    expect(allowed).toMatchObject({ applied: true, counts: { ended: 10 } });
    expect(await runningCount("hr-safe-empty")).toBe(0);
  });

  it("refuses a REPLACE that would end more than maxEndedShare (default 0.2) of the running memberships, naming how many", async () => {
    const list = rows(20, "s");
    await sync({ sourceSystem: "hr-safe-share", mode: "REPLACE", memberships: list });
    // 4 of 20 is exactly the default share: allowed.
    expect(
      await sync({ sourceSystem: "hr-safe-share", mode: "REPLACE", dryRun: true, memberships: list.slice(4) }),
    ).toMatchObject({ counts: { ended: 4 } });
    for (const dryRun of [true, false]) {
      const error = await refusal({
        sourceSystem: "hr-safe-share",
        mode: "REPLACE",
        dryRun,
        memberships: list.slice(5),
      });
      expect(error.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        fields: [expect.objectContaining({ path: "input.maxEndedShare" })],
        wouldEnd: 5,
        running: 20,
        share: 0.25,
        maxEndedShare: 0.2,
      });
      expect(error.message).toMatch(/5 of 20/);
    }
    expect(await runningCount("hr-safe-share")).toBe(20);
    const lower = await refusal({
      sourceSystem: "hr-safe-share",
      mode: "REPLACE",
      maxEndedShare: 0.1,
      memberships: list.slice(3),
    });
    expect(lower.extensions).toMatchObject({ wouldEnd: 3, maxEndedShare: 0.1 });
    const allowed = await sync({
      sourceSystem: "hr-safe-share",
      mode: "REPLACE",
      maxEndedShare: 0.5,
      memberships: list.slice(10),
    });
    expect(allowed).toMatchObject({ applied: true, counts: { ended: 10 } });
    expect(await runningCount("hr-safe-share")).toBe(10);
    // MERGE never ends anything and is not limited.
    expect(await sync({ sourceSystem: "hr-safe-share", mode: "MERGE", memberships: list.slice(19) })).toMatchObject({
      applied: true,
      counts: { ended: 0 },
    });
  });

  it("checks maxEndedShare is a share between 0 and 1", async () => {
    for (const maxEndedShare of [-0.1, 1.5]) {
      const error = await refusal({
        sourceSystem: "hr-safe-bad",
        mode: "REPLACE",
        maxEndedShare,
        memberships: rows(1, "b"),
      });
      expect(error.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        fields: [expect.objectContaining({ path: "input.maxEndedShare" })],
      });
    }
  });
});

const CHANGES = `mutation($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) {
    applied
    counts { created updated ended unchanged failed }
    endedMembershipIds
    created { ...change }
    updated { ...change }
    ended { ...change }
  }
}
fragment change on SyncChange { membershipId sourceSystem externalId personExternalId personName group role validFrom validTo index }`;

interface Change {
  membershipId: string | null;
  sourceSystem: string;
  externalId: string;
  personExternalId: string | null;
  personName: string;
  group: string;
  role: string;
  validFrom: string;
  validTo: string | null;
  index: number | null;
}

interface ChangesResult {
  applied: boolean;
  counts: Record<string, number>;
  endedMembershipIds: string[];
  created: Change[];
  updated: Change[];
  ended: Change[];
}

describe("the changes a run makes", () => {
  const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  it("lists what is (or would be) created, updated and ended with the source's ids, the person's name, group and role, dry run or not", async () => {
    const list = rows(10, "c");
    const dry = await sync<ChangesResult>(
      { sourceSystem: "hr-changes", mode: "REPLACE", dryRun: true, memberships: list },
      CHANGES,
    );
    expect(dry.created).toHaveLength(10);
    expect(dry.created[3]).toEqual({
      membershipId: null,
      sourceSystem: "hr-changes",
      externalId: "c-m3",
      personExternalId: "c-p3",
      personName: "Anna Unattended c 3",
      group: list[3]!.group,
      role: "MEMBER",
      validFrom: "2024-01-01",
      validTo: null,
      index: 3,
    });
    const first = await sync<ChangesResult>(
      { sourceSystem: "hr-changes", mode: "REPLACE", memberships: list },
      CHANGES,
    );
    expect(first.created.map((c) => c.externalId)).toEqual(list.map((r) => r.externalId));
    expect(first.created.every((c) => c.membershipId !== null)).toBe(true);
    const ids = new Map(first.created.map((c) => [c.externalId, c.membershipId]));

    const next = [{ ...list[0]!, validTo: "2026-06-30" }, ...list.slice(1, 8)];
    for (const dryRun of [true, false]) {
      const result = await sync<ChangesResult>(
        { sourceSystem: "hr-changes", mode: "REPLACE", dryRun, memberships: next },
        CHANGES,
      );
      expect(result.counts).toMatchObject({ updated: 1, ended: 2, unchanged: 7 });
      expect(result.created).toEqual([]);
      expect(result.updated).toEqual([
        expect.objectContaining({
          membershipId: ids.get("c-m0"),
          externalId: "c-m0",
          personExternalId: "c-p0",
          personName: "Anna Unattended c 0",
          validTo: "2026-06-30",
          index: 0,
        }),
      ]);
      expect(result.ended.map((c) => c.externalId).sort()).toEqual(["c-m8", "c-m9"]);
      expect(result.ended.find((c) => c.externalId === "c-m9")).toEqual({
        membershipId: ids.get("c-m9"),
        sourceSystem: "hr-changes",
        externalId: "c-m9",
        personExternalId: "c-p9",
        personName: "Anna Unattended c 9",
        group: list[9]!.group,
        role: "MEMBER",
        validFrom: "2024-01-01",
        validTo: yesterday(),
        index: null,
      });
      // The old field keeps its meaning: the IDs of what was ended, only when applied.
      expect(result.endedMembershipIds.sort()).toEqual(dryRun ? [] : [ids.get("c-m8"), ids.get("c-m9")].sort());
    }
  });

  it("lists what a rejected run would have done", async () => {
    const list = rows(5, "j");
    await sync({ sourceSystem: "hr-changes-rejected", mode: "REPLACE", memberships: list });
    const broken = [{ ...list[0]!, group: "no-such-group" }, ...list.slice(1, 4), ...rows(1, "j2")];
    const result = await sync<ChangesResult>(
      { sourceSystem: "hr-changes-rejected", mode: "REPLACE", memberships: broken },
      CHANGES,
    );
    expect(result.applied).toBe(false);
    expect(result.created.map((c) => [c.externalId, c.membershipId])).toEqual([["j2-m0", null]]);
    expect(result.ended.map((c) => c.externalId)).toEqual(["j-m4"]);
  });
});

const DRIFT = `mutation($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) {
    applied
    counts { created updated unchanged failed peopleUpdated }
    items { index status personDrift { field stored received updated } }
  }
}`;

interface DriftResult {
  applied: boolean;
  counts: Record<string, number>;
  items: {
    index: number;
    status: string;
    personDrift: { field: string; stored: string | null; received: string | null; updated: boolean }[];
  }[];
}

describe("person drift", () => {
  it("reports each field where a row's person differs from the stored one, and updates it only with updatePeople", async () => {
    const list = rows(4, "pd").map((row, i) => ({
      ...row,
      person: { ...row.person, title: "Läkare", ...(i === 3 ? {} : { hsaId: `SE2321000180-PD${i}` }) },
    }));
    await sync({ sourceSystem: "hr-drift", mode: "MERGE", memberships: list });
    const audit = () => server.prisma.auditEvent.count({ where: { entity: "PERSON" } });
    const people = () =>
      server.prisma.person.findMany({
        where: { sourceSystem: "hr-drift" },
        orderBy: { externalId: "asc" },
        select: { externalId: true, givenName: true, familyName: true, title: true, hsaId: true, version: true },
      });
    const stored = await people();

    const drifting = [
      { ...list[0]!, person: { ...list[0]!.person, familyName: "Nyberg" } },
      { ...list[1]!, person: { ...list[1]!.person, givenName: "Anne", title: "Överläkare" } },
      { ...list[2]!, person: { ...list[2]!.person, hsaId: "SE2321000180-PDNEW" } },
      { ...list[3]!, person: { ...list[3]!.person, hsaId: "SE2321000180-PD3" } },
    ];
    const before = await audit();
    for (const dryRun of [true, false]) {
      const reported = await sync<DriftResult>(
        { sourceSystem: "hr-drift", mode: "MERGE", dryRun, memberships: drifting },
        DRIFT,
      );
      expect(reported.counts).toMatchObject({ unchanged: 4, peopleUpdated: 0 });
      expect(reported.items.map((item) => item.personDrift)).toEqual([
        [{ field: "familyName", stored: "Unattended pd 0", received: "Nyberg", updated: false }],
        [
          { field: "givenName", stored: "Anna", received: "Anne", updated: false },
          { field: "title", stored: "Läkare", received: "Överläkare", updated: false },
        ],
        [{ field: "hsaId", stored: "SE2321000180-PD2", received: "SE2321000180-PDNEW", updated: false }],
        [{ field: "hsaId", stored: null, received: "SE2321000180-PD3", updated: false }],
      ]);
    }
    expect(await people()).toEqual(stored);
    expect(await audit()).toBe(before);

    const dry = await sync<DriftResult>(
      { sourceSystem: "hr-drift", mode: "MERGE", dryRun: true, updatePeople: true, memberships: drifting },
      DRIFT,
    );
    expect(dry.counts.peopleUpdated).toBe(3);
    expect(await people()).toEqual(stored);

    const updated = await sync<DriftResult>(
      { sourceSystem: "hr-drift", mode: "MERGE", updatePeople: true, memberships: drifting },
      DRIFT,
    );
    expect(updated.counts).toMatchObject({ unchanged: 4, peopleUpdated: 3 });
    // A stored HSA-id is never replaced by a sync; an empty one is filled in.
    expect(updated.items[2]!.personDrift).toEqual([
      { field: "hsaId", stored: "SE2321000180-PD2", received: "SE2321000180-PDNEW", updated: false },
    ]);
    expect(updated.items[3]!.personDrift).toEqual([
      { field: "hsaId", stored: null, received: "SE2321000180-PD3", updated: true },
    ]);
    expect(await people()).toEqual([
      { ...stored[0]!, familyName: "Nyberg", version: 2 },
      { ...stored[1]!, givenName: "Anne", title: "Överläkare", version: 2 },
      stored[2],
      { ...stored[3]!, hsaId: "SE2321000180-PD3", version: 2 },
    ]);
    expect(await audit()).toBe(before + 3);

    // Re-run: nothing drifts any more but the HSA-id the sync may not replace, and nothing is written.
    const again = await sync<DriftResult>(
      { sourceSystem: "hr-drift", mode: "MERGE", updatePeople: true, memberships: drifting },
      DRIFT,
    );
    expect(again.counts.peopleUpdated).toBe(0);
    expect(again.items.map((item) => item.personDrift.length)).toEqual([0, 0, 1, 0]);
    expect(await audit()).toBe(before + 3);
  });
});

const CONFLICTS = `mutation($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) {
    counts { created failed }
    failures { index errors { code field message conflictsWith { membershipId sourceSystem externalId personExternalId personName group role validFrom validTo index } } }
  }
}`;

interface ConflictResult {
  counts: Record<string, number>;
  failures: {
    index: number;
    errors: {
      code: string;
      field: string;
      message: string;
      conflictsWith: (Change & { sourceSystem: string | null; externalId: string | null }) | null;
    }[];
  }[];
}

describe("person drift of another source's person", () => {
  it("reports the drift of a person matched by HSA-id from another source, but never updates that person", async () => {
    const [row] = rows(1, "po");
    await sync({
      sourceSystem: "hr-owner",
      mode: "MERGE",
      memberships: [
        { ...row!, person: { externalId: "owner-p", hsaId: "SE2321000180-POWN", givenName: "Eva", familyName: "Ägd" } },
      ],
    });
    const stored = await server.prisma.person.findUniqueOrThrow({ where: { hsaId: "SE2321000180-POWN" } });
    const result = await sync<DriftResult>(
      {
        sourceSystem: "hr-borrower",
        mode: "MERGE",
        updatePeople: true,
        memberships: [
          {
            ...row!,
            externalId: "b-m0",
            group: lpos22[1]!,
            person: { hsaId: "SE2321000180-POWN", givenName: "Eva", familyName: "Lånad" },
          },
        ],
      },
      DRIFT,
    );
    expect(result.counts).toMatchObject({ created: 1, peopleUpdated: 0 });
    expect(result.items[0]!.personDrift).toEqual([
      { field: "familyName", stored: "Ägd", received: "Lånad", updated: false },
    ]);
    expect(await server.prisma.person.findUniqueOrThrow({ where: { hsaId: "SE2321000180-POWN" } })).toEqual(stored);
  });
});

describe("conflicts", () => {
  it("names what a row conflicts with: another source's membership, one entered through the API, an earlier row, and a key of this source outside the scope", async () => {
    const group = lpos22[0]!;
    const other = await sync<ChangesResult>(
      {
        sourceSystem: "hr-other",
        mode: "MERGE",
        memberships: [
          {
            ...rows(1, "o", [group])[0]!,
            person: { externalId: "o-p0", hsaId: "SE2321000180-CONFO", givenName: "Olle", familyName: "Annan" },
            validFrom: "2023-03-01",
          },
        ],
      },
      CHANGES,
    );
    const otherId = other.created[0]!.membershipId;
    const apiPerson = await server.prisma.person.create({
      data: { givenName: "Ada", familyName: "Api", hsaId: "SE2321000180-CONFA" },
    });
    const groupId = (await server.prisma.group.findUniqueOrThrow({ where: { slug: group } })).id;
    await server.prisma.membership.create({
      data: {
        personId: apiPerson.id,
        groupId,
        role: "MEMBER",
        validFrom: new Date("2022-05-01"),
        validTo: new Date("2030-12-31"),
      },
    });

    const base = rows(4, "cf", [group]);
    const list: Row[] = [
      { ...base[0]!, person: { hsaId: "SE2321000180-CONFO", givenName: "Olle", familyName: "Annan" } },
      { ...base[1]!, person: { hsaId: "SE2321000180-CONFA", givenName: "Ada", familyName: "Api" } },
      base[2]!,
      { ...base[3]!, person: base[2]!.person },
    ];
    const result = await sync<ConflictResult>(
      { sourceSystem: "hr-conflicts", mode: "MERGE", memberships: list },
      CONFLICTS,
    );
    expect(result.counts).toMatchObject({ created: 1, failed: 3 });
    const [withOther, withApi, withRow] = result.failures;
    expect(withOther!.index).toBe(0);
    expect(withOther!.errors[0]).toMatchObject({ code: "CONFLICT", field: "validFrom" });
    expect(withOther!.errors[0]!.conflictsWith).toEqual({
      membershipId: otherId,
      sourceSystem: "hr-other",
      externalId: "o-m0",
      personExternalId: "o-p0",
      personName: "Olle Annan",
      group,
      role: "MEMBER",
      validFrom: "2023-03-01",
      validTo: null,
      index: null,
    });
    expect(withOther!.errors[0]!.message).toEqual(expect.stringContaining("hr-other"));
    expect(withOther!.errors[0]!.message).toEqual(expect.stringContaining("o-m0"));
    expect(withOther!.errors[0]!.message).toEqual(expect.stringContaining("Olle Annan"));
    expect(withOther!.errors[0]!.message).toEqual(expect.stringContaining("2023-03-01"));

    expect(withApi!.errors[0]!.conflictsWith).toMatchObject({
      sourceSystem: null,
      externalId: null,
      personName: "Ada Api",
      validFrom: "2022-05-01",
      validTo: "2030-12-31",
      index: null,
    });
    expect(withApi!.errors[0]!.message).toEqual(expect.stringContaining("Ada Api"));
    expect(withApi!.errors[0]!.message).toEqual(expect.stringContaining("2022-05-01–2030-12-31"));

    expect(withRow!.index).toBe(3);
    expect(withRow!.errors[0]!.conflictsWith).toMatchObject({
      membershipId: null,
      sourceSystem: "hr-conflicts",
      externalId: "cf-m2",
      personExternalId: "cf-p2",
      index: 2,
    });
    expect(withRow!.errors[0]!.message).toEqual(expect.stringContaining("row 2"));
    expect(withRow!.errors[0]!.message).toEqual(expect.stringContaining("cf-m2"));

    // A membership key of this source used in a group outside the scope names that membership.
    const outside = await sync<ConflictResult>(
      {
        sourceSystem: "hr-other",
        scope: { groups: [lpos22[1]!] },
        mode: "MERGE",
        memberships: [
          { ...rows(1, "o", [lpos22[1]!])[0]!, person: { externalId: "o-p0", givenName: "Olle", familyName: "Annan" } },
        ],
      },
      CONFLICTS,
    );
    expect(outside.failures[0]!.errors[0]).toMatchObject({
      code: "CONFLICT",
      field: "externalId",
      conflictsWith: expect.objectContaining({
        membershipId: otherId,
        externalId: "o-m0",
        group,
        personName: "Olle Annan",
      }),
    });
  });
});
