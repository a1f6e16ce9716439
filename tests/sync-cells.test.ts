import { gql, lpoSlugs, startTestServer, type TestServer } from "./support/test-server";

/**
 * Sync rows carry their cells as the source system has them (text), and the sync checks every
 * cell itself: a bad cell fails its row with an error naming the row, its external id and the
 * field, and never refuses the request. MERGE applies the good rows; `atomic` and REPLACE reject
 * the run.
 */
const SYNC = `mutation($input: SyncMembershipsInput!) {
  syncMemberships(input: $input) {
    applied
    counts { created failed }
    failures { index externalId status errors { code field message } }
  }
}`;

interface Result {
  applied: boolean;
  counts: { created: number; failed: number };
  failures: {
    index: number;
    externalId: string | null;
    status: string;
    errors: { code: string; field: string; message: string }[];
  }[];
}

type Cells = Record<string, unknown> & { person?: Record<string, unknown> };

let server: TestServer;
let writer: Record<string, string>;
let groups: string[];

beforeAll(async () => {
  server = await startTestServer();
  writer = await server.keyHeaders(["write:region:22"], "cells-hr");
  groups = await lpoSlugs(server.prisma, "22");
});

afterAll(() => server.stop());

function goodRow(prefix: string, i: number): Cells {
  return {
    externalId: `${prefix}-m${i}`,
    person: { externalId: `${prefix}-p${i}`, givenName: "Cell", familyName: `Test ${prefix} ${i}` },
    group: groups[i % groups.length],
    role: "MEMBER",
    representing: "region-vasternorrland",
    validFrom: "2024-01-01",
  };
}

/** Each bad cell, with the field it must be reported on. */
const BAD_CELLS: { field: string; label: string; change: (row: Cells) => Cells }[] = [
  { field: "validFrom", label: "a day that does not exist", change: (r) => ({ ...r, validFrom: "2023-02-29" }) },
  { field: "validFrom", label: "month 13", change: (r) => ({ ...r, validFrom: "2024-13-01" }) },
  { field: "validFrom", label: "before year 1000", change: (r) => ({ ...r, validFrom: "0999-12-31" }) },
  { field: "validFrom", label: "a five-digit year", change: (r) => ({ ...r, validFrom: "10000-01-01" }) },
  { field: "validFrom", label: "a Swedish-Excel date", change: (r) => ({ ...r, validFrom: "2024-01-01 00:00" }) },
  { field: "validFrom", label: "missing", change: (r) => ({ ...r, validFrom: null }) },
  { field: "validTo", label: "a day that does not exist", change: (r) => ({ ...r, validTo: "2025-04-31" }) },
  { field: "role", label: "an unknown role", change: (r) => ({ ...r, role: "BOSS" }) },
  { field: "role", label: "a role in lower case", change: (r) => ({ ...r, role: "member" }) },
  { field: "group", label: "a slug with spaces", change: (r) => ({ ...r, group: "Not A Slug" }) },
  { field: "group", label: "an over-long slug", change: (r) => ({ ...r, group: "a".repeat(101) }) },
  { field: "representing", label: "a bad slug", change: (r) => ({ ...r, representing: "region--x" }) },
  { field: "externalId", label: "missing", change: (r) => ({ ...r, externalId: null }) },
  { field: "externalId", label: "NUL", change: (r) => ({ ...r, externalId: "m\u0000" }) },
  { field: "externalId", label: "over-long", change: (r) => ({ ...r, externalId: "x".repeat(201) }) },
  {
    field: "person.givenName",
    label: "NUL",
    change: (r) => ({ ...r, person: { ...r.person, givenName: "An\u0000na" } }),
  },
  {
    field: "person.familyName",
    label: "a lone surrogate",
    change: (r) => ({ ...r, person: { ...r.person, familyName: "Ab\ud800c" } }),
  },
  {
    field: "person.familyName",
    label: "blank",
    change: (r) => ({ ...r, person: { ...r.person, familyName: "  " } }),
  },
  {
    field: "person.title",
    label: "over-long",
    change: (r) => ({ ...r, person: { ...r.person, title: "t".repeat(201) } }),
  },
  {
    field: "person.hsaId",
    label: "not an HSA-id",
    change: (r) => ({ ...r, person: { ...r.person, hsaId: "SE123" } }),
  },
  {
    field: "person.externalId",
    label: "a lone surrogate",
    change: (r) => ({ ...r, person: { ...r.person, externalId: "\udc00p" } }),
  },
];

async function sync(input: Record<string, unknown>): Promise<Result> {
  const response = await gql<{ syncMemberships: Result }>(
    server.url,
    SYNC,
    { input: { scope: { countyCode: "22" }, ...input } },
    writer,
  );
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return response.data!.syncMemberships;
}

function listWithBadCells(prefix: string): Cells[] {
  // Good rows between the bad ones: each bad row is reported at its own index.
  return BAD_CELLS.flatMap((bad, i) => [goodRow(prefix, 2 * i), bad.change(goodRow(prefix, 2 * i + 1))]);
}

it("reports each bad cell on its own row (index, external id, field, code) and applies the good rows in MERGE", async () => {
  const list = listWithBadCells("cells");
  const result = await sync({ sourceSystem: "cells-merge", memberships: list });
  expect(result.applied).toBe(true);
  expect(result.counts).toEqual({ created: BAD_CELLS.length, failed: BAD_CELLS.length });
  expect(
    result.failures.map((failure) => ({
      index: failure.index,
      externalId: failure.externalId,
      status: failure.status,
      errors: failure.errors.map((error) => [error.code, error.field]),
    })),
  ).toEqual(
    BAD_CELLS.map((bad, i) => ({
      index: 2 * i + 1,
      externalId: list[2 * i + 1]!.externalId,
      status: "FAILED",
      errors: [["BAD_USER_INPUT", bad.field]],
    })),
  );
  for (const failure of result.failures) expect(failure.errors[0]!.message.length).toBeLessThan(200);
  expect(await server.prisma.membership.count({ where: { sourceSystem: "cells-merge" } })).toBe(BAD_CELLS.length);
});

it("rejects the whole run for a bad cell with atomic: true, and in REPLACE mode, writing nothing", async () => {
  const list = listWithBadCells("atomic");
  const atomic = await sync({ sourceSystem: "cells-atomic", memberships: list, atomic: true });
  expect(atomic.applied).toBe(false);
  expect(atomic.failures).toHaveLength(BAD_CELLS.length);
  const replace = await sync({ sourceSystem: "cells-atomic", memberships: list, mode: "REPLACE" });
  expect(replace.applied).toBe(false);
  expect(replace.failures).toHaveLength(BAD_CELLS.length);
  expect(await server.prisma.membership.count({ where: { sourceSystem: "cells-atomic" } })).toBe(0);
});

it("reports NUL in a row written into the document itself on the row, but still refuses NUL outside the rows for the request", async () => {
  const literal = `mutation { syncMemberships(input: {sourceSystem: "cells-literal", scope: {countyCode: "22"}, memberships: [
    {externalId: "lit-1", person: {externalId: "lit-p1", givenName: "Lit\\u0000", familyName: "Eral"}, group: "${groups[0]}", role: "MEMBER", validFrom: "2024-01-01"}
  ]}) { applied failures { index errors { field code } } } }`;
  const response = await gql<{ syncMemberships: Result }>(server.url, literal, {}, writer);
  expect(response.errors).toBeUndefined();
  expect(response.data!.syncMemberships.failures).toEqual([
    { index: 0, errors: [{ field: "person.givenName", code: "BAD_USER_INPUT" }] },
  ]);

  const outside = await gql(
    server.url,
    SYNC,
    { input: { sourceSystem: "cells\u0000", scope: { countyCode: "22" }, memberships: [goodRow("out", 0)] } },
    writer,
  );
  expect(outside.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  expect(outside.errors?.[0]?.extensions?.fields).toEqual([
    { path: "input.sourceSystem", message: expect.stringContaining("NUL") as string },
  ]);
});

it("refuses a row that is not text-shaped (a number for a cell, an unknown field, not an object) for the request, naming the row's field", async () => {
  const shapes: { row: unknown; path: string }[] = [
    { row: { ...goodRow("shape", 0), role: 7 }, path: "input.memberships.1.role" },
    { row: { ...goodRow("shape", 0), person: { givenName: ["x"] } }, path: "input.memberships.1.person.givenName" },
    { row: { ...goodRow("shape", 0), colour: "red" }, path: "input.memberships.1" },
    { row: "hr-1;Anna;MEMBER", path: "input.memberships.1" },
    { row: null, path: "input.memberships.1" },
  ];
  for (const { row, path } of shapes) {
    const response = await gql(
      server.url,
      SYNC,
      { input: { sourceSystem: "cells-shape", scope: { countyCode: "22" }, memberships: [goodRow("shape", 1), row] } },
      writer,
    );
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(response.errors?.[0]?.extensions?.fields).toEqual([{ path, message: expect.any(String) as string }]);
  }
  expect(await server.prisma.syncRun.count({ where: { sourceSystem: "cells-shape" } })).toBe(0);
});

it("checks the shape of every row of a long list, the guards taking several turns of the event loop over it", async () => {
  // The guards check 2 000 rows per turn: bad rows on both sides of each boundary, and the last one.
  const badAt = [0, 1_999, 2_000, 3_999, 4_000, 4_499];
  const memberships: unknown[] = Array.from({ length: 4_500 }, (_, i) =>
    badAt.includes(i) ? { ...goodRow("long", i), role: i } : goodRow("long", i),
  );
  const response = await gql(
    server.url,
    SYNC,
    { input: { sourceSystem: "cells-long", scope: { countyCode: "22" }, memberships } },
    writer,
  );
  expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  expect(response.errors?.[0]?.extensions?.fields).toEqual(
    badAt.map((index) => ({ path: `input.memberships.${index}.role`, message: expect.any(String) as string })),
  );
  expect(await server.prisma.syncRun.count({ where: { sourceSystem: "cells-long" } })).toBe(0);
});
