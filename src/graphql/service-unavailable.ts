import type { GraphQLFormattedError } from "graphql";
import { isDatabaseUnavailable } from "../db/errors";
import { ErrorCode, GraphQLErrorWithCode } from "./errors";

/** What `Retry-After` tells a caller refused with SERVICE_UNAVAILABLE: a restart or failover takes seconds. */
export const RETRY_AFTER_SECONDS = 5;

const MESSAGE = `The database is unavailable at the moment; try again in ${RETRY_AFTER_SECONDS} seconds.`;

/** HTTP 503 with Retry-After, for errors thrown where Apollo Server takes the status from the error (the context). */
function unavailableHttp() {
  return { status: 503, headers: new Map([["retry-after", String(RETRY_AFTER_SECONDS)]]) };
}

/** The database could not serve the request (down, restarting, unreachable, too slow). Retry later. */
export class ServiceUnavailableError extends GraphQLErrorWithCode {
  constructor(message = MESSAGE, extensions: Record<string, unknown> = {}) {
    super(message, ErrorCode.SERVICE_UNAVAILABLE, {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
      ...extensions,
      http: unavailableHttp(),
    });
  }
}

/**
 * An unexpected error, already logged where it was caught, answered without detail but with the
 * request id (and the trace id when tracing is on), so the caller can quote it and an operator
 * find the log line and the trace.
 */
export class MaskedInternalError extends GraphQLErrorWithCode {
  constructor(ids: { requestId: string; traceId?: string }) {
    super("Internal server error", ErrorCode.INTERNAL_SERVER_ERROR, { ...ids, http: { status: 500 } });
  }
}

/**
 * The format-error hook: a database that is unavailable becomes SERVICE_UNAVAILABLE however it
 * was reported, and an error masked where it was caught passes as it is. Undefined for others.
 */
export function formatServiceFailure(
  formatted: GraphQLFormattedError,
  original: unknown,
): GraphQLFormattedError | undefined {
  if (original instanceof MaskedInternalError || original instanceof ServiceUnavailableError) {
    const { http: _http, ...extensions } = original.extensions;
    return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  if (!isDatabaseUnavailable(original)) return undefined;
  return {
    message: MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryAfterSeconds: RETRY_AFTER_SECONDS },
  };
}
