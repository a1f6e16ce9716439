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
