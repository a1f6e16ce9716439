import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, Kind, parse, visit, type ASTNode, type GraphQLFormattedError } from "graphql";
import type { ValidationError } from "class-validator";
import { ArgumentValidationError } from "type-graphql";
import { BadUserInputError, ErrorCode } from "./errors";
import { QueryTooComplexError, tokenLimitError } from "./limits";
import { formatServiceFailure } from "./service-unavailable";

const EXPECTED_CODES = new Set<string>(
  Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
);

/**
 * Codes Apollo Server assigns before execution, passed through as they are; any other code is
 * masked as INTERNAL_SERVER_ERROR. With these and `ErrorCode`, the set every answer's
 * `extensions.code` comes from (the README lists them all; tests/errors.test.ts checks it).
 * PERSISTED_QUERY_NOT_SUPPORTED is APQ switched off (PERSISTED_QUERIES=off); PERSISTED_QUERY_NOT_FOUND
 * is also an unknown trusted-document id (src/graphql/trusted-documents.ts).
 */
export const REQUEST_CODES: ReadonlySet<string> = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

export type ErrorLogger = (error: unknown) => void;

/**
 * Expected errors pass through with their code; argument validation becomes BAD_USER_INPUT
 * naming each field; everything else is logged and masked, so no stack, SQL or internal
 * message reaches the caller.
 */
export function createFormatError(logUnexpected: ErrorLogger, maxTokens = Infinity) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const failure = formatServiceFailure(formatted, original);
    if (failure) return failure;
    // A limit hit while parsing or validating is reported as the limit it is, not as a bad document.
    const limit =
      error instanceof GraphQLError && error.originalError instanceof QueryTooComplexError
        ? error.originalError
        : formatted.extensions?.code === "GRAPHQL_PARSE_FAILED"
          ? tokenLimitError(formatted.message, maxTokens)
          : undefined;
    if (limit) {
      const { http: _http, ...extensions } = limit.extensions;
      return { message: limit.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = original.extensions.validationErrors.flatMap((validation) => invalidFields(validation));
      return {
        message: `Invalid argument: ${fields.map((field) => field.message).join("; ")}`,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: ErrorCode.BAD_USER_INPUT, fields },
      };
    }
    // A bad scalar literal (a malformed date, say) fails validation, but it is bad input.
    if (
      formatted.extensions?.code === "GRAPHQL_VALIDATION_FAILED" &&
      error instanceof GraphQLError &&
      error.originalError instanceof BadUserInputError
    ) {
      const argument = argumentPathOf(error.nodes?.[0] ?? error.originalError.nodes?.[0]);
      const message = argument ? `\`${argument}\`: ${error.originalError.message}` : error.originalError.message;
      return {
        message,
        locations: formatted.locations,
        extensions: {
          code: ErrorCode.BAD_USER_INPUT,
          ...(argument ? { fields: [{ path: argument, message: error.originalError.message }] } : {}),
        },
      };
    }
    if (isUncodedBadRequest(error)) {
      return { message: formatted.message, extensions: { code: "BAD_REQUEST" } };
    }
    const code = formatted.extensions?.code;
    if (
      typeof code === "string" &&
      (REQUEST_CODES.has(code) || (EXPECTED_CODES.has(code) && original instanceof GraphQLError))
    ) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logUnexpected(original);
    return {
      message: "Internal server error",
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/**
 * Apollo Server refuses some requests before parsing with an HTTP 400 error that has no code: an
 * automatic persisted query whose hash does not match its query, or an unknown APQ version.
 */
function isUncodedBadRequest(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || error.extensions.code !== undefined) return false;
  const http = error.extensions.http as { status?: unknown } | undefined;
  return http?.status === 400;
}

/** Each failed constraint with the path of its field, e.g. `filter.region`. */
function invalidFields(error: ValidationError, parent?: string): { path: string; message: string }[] {
  const path = parent ? `${parent}.${error.property}` : error.property;
  return [
    ...Object.values(error.constraints ?? {}).map((message) => ({ path, message })),
    ...(error.children ?? []).flatMap((child) => invalidFields(child, path)),
  ];
}

/** The argument a literal value stands in, as a path such as `filter.activeOn`, found in the request's document. */
function argumentPathOf(valueNode: ASTNode | undefined): string | undefined {
  const location = valueNode?.loc;
  if (!location) return undefined;
  let found: string | undefined;
  visit(parse(location.source), {
    enter(node, _key, parent, _path, ancestors) {
      if (found !== undefined || node.loc?.start !== location.start || node.kind !== valueNode.kind) return undefined;
      found = [...ancestors, parent ?? []]
        .flatMap((ancestor) =>
          "kind" in ancestor && (ancestor.kind === Kind.ARGUMENT || ancestor.kind === Kind.OBJECT_FIELD)
            ? [ancestor.name.value]
            : [],
        )
        .join(".");
      return false;
    },
  });
  return found || undefined;
}
