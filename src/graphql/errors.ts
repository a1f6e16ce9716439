import { GraphQLError, type ASTNode } from "graphql";

/** The closed set of error codes the API returns in `extensions.code`. */
export enum ErrorCode {
  BAD_USER_INPUT = "BAD_USER_INPUT",
  NOT_FOUND = "NOT_FOUND",
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  CONFLICT = "CONFLICT",
  QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX",
  RATE_LIMITED = "RATE_LIMITED",
  PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST",
  SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
}

export class GraphQLErrorWithCode extends GraphQLError {
  constructor(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}, nodes?: ASTNode) {
    super(message, { extensions: { ...extensions, code }, nodes });
  }
}

/** A problem with one argument or input field; `field` names it (e.g. "countyCode", "input.validTo"). */
export class BadUserInputError extends GraphQLErrorWithCode {
  /** `node`: the literal in the document that is bad, when the error arises while validating it. */
  constructor(message: string, field?: string, node?: ASTNode) {
    super(message, ErrorCode.BAD_USER_INPUT, field ? { fields: [{ path: field, message }] } : {}, node);
  }
}

/** A write that collides with an existing record (a unique key, an overlap) or with a newer version. */
export class ConflictError extends GraphQLErrorWithCode {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, ErrorCode.CONFLICT, extensions);
  }
}

export class NotFoundError extends GraphQLErrorWithCode {
  constructor(message: string, field?: string) {
    super(message, ErrorCode.NOT_FOUND, field ? { fields: [{ path: field, message }] } : {});
  }
}

/** CONFLICT unless the record is still at the version the caller last saw. */
export function checkVersion(
  record: { version: number },
  expectedVersion: number | null | undefined,
  what: string,
): void {
  if (expectedVersion != null && record.version !== expectedVersion) {
    throw new ConflictError(
      `${what} has changed: it is at version ${record.version}, not ${expectedVersion}. Read it again and retry.`,
      {
        currentVersion: record.version,
        expectedVersion,
      },
    );
  }
}
