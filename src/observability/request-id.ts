import { randomUUID } from "node:crypto";

/** A request id from the caller's `x-request-id` when it is a sensible token, else a new one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
}
