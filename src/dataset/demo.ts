import type { Database } from "../db/prisma";
import { DATASET_SOURCE_SYSTEM, generateDataset, type DatasetSummary } from "./generate";

/** What a start with DEMO_DATA=generated found and did. */
export type DemoDataOutcome =
  | { outcome: "loaded"; summary: DatasetSummary }
  /** The demonstration data was loaded by an earlier start (or by `npm run db:generate`). */
  | { outcome: "present" }
  /** The database holds people of its own: nothing fictitious is added to them. */
  | { outcome: "refused"; people: number };

/**
 * Loads the generated demonstration data set (scale 1: fictitious working groups, people and
 * memberships, with today as its present) into a seeded database that holds no people yet. Once:
 * a later start finds it and does nothing but count (one statement).
 */
export async function loadDemoDataIfEmpty(prisma: Database, today: Date): Promise<DemoDataOutcome> {
  const [generated, people] = await Promise.all([
    prisma.person.count({ where: { sourceSystem: DATASET_SOURCE_SYSTEM }, take: 1 }),
    prisma.person.count({ take: 1 }),
  ]);
  if (generated > 0) return { outcome: "present" };
  if (people > 0) return { outcome: "refused", people: await prisma.person.count() };
  return { outcome: "loaded", summary: await generateDataset(prisma, { scale: 1, today }) };
}

/** The log line of a start with demonstration data. */
export function demoDataMessage(result: DemoDataOutcome): string {
  switch (result.outcome) {
    case "loaded":
      return (
        `Loaded the generated demonstration data: ${result.summary.people} FICTITIOUS people in ` +
        `${result.summary.memberships} memberships (source system "${DATASET_SOURCE_SYSTEM}"). Not real people; never for production.`
      );
    case "present":
      return `The generated demonstration data (FICTITIOUS people, source system "${DATASET_SOURCE_SYSTEM}") is loaded`;
    case "refused":
      return `DEMO_DATA=generated: not loaded, the database already holds ${result.people} people of its own`;
  }
}
