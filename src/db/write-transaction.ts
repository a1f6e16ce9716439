import { setTimeout as sleep } from "node:timers/promises";
import { ConflictError, ErrorCode, GraphQLErrorWithCode } from "../graphql/errors";
import {
  databaseErrorOf,
  DEADLOCK_DETECTED,
  EXCLUSION_VIOLATION,
  SERIALIZATION_FAILURE,
  UNIQUE_VIOLATION,
  type DatabaseError,
} from "./errors";

/** Attempts in all when the database refuses a transaction for being in the way of another (serialisation failure, deadlock). */
export const MAX_ATTEMPTS_ON_CONTENTION = 3;
/** Reruns after a concurrent transaction took a unique key this one checked as free (a large sync may meet more than one such writer). */
const RERUNS_ON_KEY_TAKEN = 2;

/**
 * The one mapping of database errors for every write transaction. `attempt` runs the whole
 * transaction once; it is rerun, from the beginning and in a new transaction, when a rerun is the
 * right answer:
 *
 * - a unique or exclusion violation means another transaction committed the key between this
 *   one's check and its write (each write checks its keys first, and the violation is only raised
 *   once the holder has committed). The rerun's checks see the holder and answer CONFLICT naming
 *   it, or, where taking the existing record is the rule (a sync matching a person), succeed;
 * - a serialisation failure or deadlock is retried with jitter, a bounded number of times, then
 *   answered SERVICE_UNAVAILABLE.
 *
 * Anything else is passed on as it is.
 */
export async function withWriteRetries<T>(attempt: () => Promise<T>): Promise<T> {
  let contention = 0;
  let keyReruns = 0;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const problem = databaseErrorOf(error);
      if (!problem) throw error;
      if (isKeyTaken(problem)) {
        if (keyReruns++ < RERUNS_ON_KEY_TAKEN) continue;
        throw keyTaken(problem);
      }
      if (isContention(problem)) {
        if (++contention < MAX_ATTEMPTS_ON_CONTENTION) {
          await sleep(jitteredDelayMs(contention));
          continue;
        }
        throw new GraphQLErrorWithCode(
          `The write collided with concurrent writes ${MAX_ATTEMPTS_ON_CONTENTION} times (${problem.sqlState === DEADLOCK_DETECTED ? "deadlock" : "serialisation failure"}) and was not applied; retry it`,
          ErrorCode.SERVICE_UNAVAILABLE,
          { retryAfterSeconds: 1 },
        );
      }
      throw error;
    }
  }
}

function isKeyTaken(problem: DatabaseError): boolean {
  return problem.sqlState === UNIQUE_VIOLATION || problem.sqlState === EXCLUSION_VIOLATION;
}

function isContention(problem: DatabaseError): boolean {
  return problem.sqlState === SERIALIZATION_FAILURE || problem.sqlState === DEADLOCK_DETECTED;
}

/** 20–60 ms, then 40–120 ms: long enough for the other transaction to commit, short next to a request. */
function jitteredDelayMs(attempt: number): number {
  return attempt * (20 + Math.random() * 40);
}

/** What each key is, for the rare case where a rerun's checks do not find its holder. */
const KEYS: Readonly<Record<string, string>> = {
  organisation_slug_key: "an organisation's slug",
  governance_group_slug_key: "a group's slug",
  governance_group_program_area_id_healthcare_region_id_key: "the RPO of an NPO in a healthcare region",
  person_hsa_id_key: "a person's HSA-id",
  person_source_system_external_id_key: "a person's (sourceSystem, externalId)",
  membership_source_system_external_id_key: "a membership's (sourceSystem, externalId)",
  kg_membership_no_overlap: "a person's role in a group in that period",
  kg_membership_one_chair: "the chair of a group in that period",
};

function keyTaken(problem: DatabaseError): ConflictError {
  const key = problem.constraint ? (KEYS[problem.constraint] ?? problem.constraint) : "a unique key";
  return new ConflictError(`Another record holds ${key}, taken by a concurrent write; read it and retry`, {
    constraint: problem.constraint ?? null,
  });
}
