import { gql } from "./test-server";

/**
 * Polls `syncRun(id)` with `query` until the run's status is one of `done`; the run as the query
 * reads it. Every 100 ms, for at most `attempts` polls.
 */
export async function waitForRun<Run extends { status: string }>(
  url: string,
  query: string,
  id: string,
  headers: Record<string, string>,
  done: readonly string[] = ["SUCCEEDED", "FAILED"],
  attempts = 900,
): Promise<Run> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const response = await gql<{ syncRun: Run | null }>(url, query, { id }, headers);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    const run = response.data!.syncRun;
    if (run && done.includes(run.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${id} never reached ${done.join(" or ")}`);
}
