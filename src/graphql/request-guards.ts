import type { ApolloServerPlugin } from "@apollo/server";
import {
  coerceInputValue,
  getNamedType,
  getNullableType,
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  typeFromAST,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLEnumType,
  type GraphQLInputType,
  type GraphQLScalarType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from "graphql";
import { authorizeAnyWrite } from "../access/authorize";
import type { Caller } from "../access/caller";
import { ErrorCode, GraphQLErrorWithCode } from "./errors";

/**
 * The API has queries and mutations only. graphql-js 16 has no rule for an operation type the
 * schema lacks (graphql 17's KnownOperationTypesRule), and executing one fails as an internal error.
 */
export const SupportedOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const supported =
      node.operation === "query" || (node.operation === "mutation" && context.getSchema().getMutationType());
    if (!supported) {
      context.reportError(
        new GraphQLError(`This API does not support ${node.operation} operations; use a query or a mutation.`, {
          nodes: node,
        }),
      );
    }
  },
});

export interface InvalidField {
  path: string;
  message: string;
}

interface GuardedContext {
  caller: Caller;
}

/**
 * Checks made after the operation is known and before anything executes, in this order:
 * a mutation needs a key with some write scope (the finer checks stay in the services), and
 * no argument, variable or literal holds a NUL character, a lone surrogate or a value its
 * type refuses (a date out of range, say). Each is refused with a client error naming the
 * argument, before any resolver, validator or SQL statement runs.
 */
export function requestGuards<Context extends GuardedContext>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request, contextValue }) {
          if (!operation) return;
          if (operation.operation === "mutation") refuseWithoutWriteScope(contextValue.caller);
          const checked = checkedDocument(schema, document);
          const variables = request.variables ?? {};
          const invalid =
            operation.variableDefinitions?.length && Object.keys(variables).length > 0
              ? [
                  ...checked.invalidLiterals,
                  ...(await invalidVariables(schema, checked.variableUse, operation, variables)),
                ]
              : checked.invalidLiterals;
          if (invalid.length > 0) {
            throw new GraphQLErrorWithCode(
              `Invalid argument: ${invalid.map((field) => `\`${field.path}\`: ${field.message}`).join("; ")}`,
              ErrorCode.BAD_USER_INPUT,
              {
                fields: invalid,
                http: { status: 400 },
              },
            );
          }
        },
      };
    },
  };
}

const HTTP_STATUS: Record<string, number> = { [ErrorCode.UNAUTHENTICATED]: 401, [ErrorCode.FORBIDDEN]: 403 };

function refuseWithoutWriteScope(caller: Caller): void {
  try {
    authorizeAnyWrite(caller, "anything");
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const code = String(error.extensions.code) as ErrorCode;
    throw new GraphQLErrorWithCode(error.message, code, {
      ...error.extensions,
      http: { status: HTTP_STATUS[code] ?? 400 },
    });
  }
}

/** Why a string may not be stored or compared: PostgreSQL refuses NUL in text, and a lone surrogate is not Unicode. */
export function stringProblem(value: string): string | undefined {
  if (value.includes("\u0000")) return "must not contain the NUL character (U+0000)";
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed())
    return "must be well-formed Unicode (it holds a lone surrogate)";
  return undefined;
}

/** The argument an AST node stands in, as a path of argument and input-field names, e.g. `input.email`. */
function argumentPath(
  ancestors: readonly (ASTNode | readonly ASTNode[])[],
  parent: ASTNode | readonly ASTNode[] | undefined,
): string {
  return [...ancestors, parent ?? []]
    .flatMap((ancestor) =>
      "kind" in ancestor && (ancestor.kind === Kind.ARGUMENT || ancestor.kind === Kind.OBJECT_FIELD)
        ? [ancestor.name.value]
        : [],
    )
    .join(".");
}

/** What a document alone tells: its invalid literals, and where each variable is first used. */
interface CheckedDocument {
  invalidLiterals: InvalidField[];
  /** Variable name → the argument path of its first use. */
  variableUse: Map<string, string>;
}

/**
 * Apollo Server keeps one parsed document per distinct query text, so a document is walked once,
 * not on every request that sends it.
 */
const checkedDocuments = new WeakMap<DocumentNode, CheckedDocument>();

function checkedDocument(schema: GraphQLSchema, document: DocumentNode): CheckedDocument {
  let checked = checkedDocuments.get(document);
  if (!checked) {
    checked = { invalidLiterals: invalidLiterals(schema, document), variableUse: variableUse(document) };
    checkedDocuments.set(document, checked);
  }
  return checked;
}

function variableUse(document: DocumentNode): Map<string, string> {
  const usedAt = new Map<string, string>();
  visit(document, {
    VariableDefinition: () => false,
    Variable(node, _key, parent, _path, ancestors) {
      if (!usedAt.has(node.name.value)) usedAt.set(node.name.value, argumentPath(ancestors, parent));
    },
  });
  return usedAt;
}

function invalidLiterals(schema: GraphQLSchema, document: DocumentNode): InvalidField[] {
  const invalid: InvalidField[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      ObjectValue() {
        // A literal sync row: its cells are the resolver's to check, row by row.
        const type = typeInfo.getInputType();
        return type && cellsCheckedByResolver(type) ? false : undefined;
      },
      StringValue(node, _key, parent, _path, ancestors) {
        const problem = stringProblem(node.value);
        if (problem) invalid.push({ path: argumentPath(ancestors, parent) || "document", message: problem });
      },
    }),
  );
  return invalid;
}

/**
 * The extension that marks an input type whose string fields its resolver checks itself, per
 * item (a sync row): NUL characters and lone surrogates in them are reported by the resolver
 * for that item instead of refusing the request, and the guard does not walk them.
 */
export const CELLS_CHECKED_BY_RESOLVER = "cellsCheckedByResolver";

function cellsCheckedByResolver(type: GraphQLInputType): boolean {
  const named = getNamedType(type);
  return isInputObjectType(named) && named.extensions[CELLS_CHECKED_BY_RESOLVER] === true;
}

/** Items of a set-aside list checked between two turns of the event loop (a few ms of work). */
const SHAPE_CHECKS_PER_TURN = 2_000;

async function invalidVariables(
  schema: GraphQLSchema,
  usedAt: ReadonlyMap<string, string>,
  operation: OperationDefinitionNode,
  values: Record<string, unknown>,
): Promise<InvalidField[]> {
  const invalid: InvalidField[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const value = values[name];
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (value === undefined || !type) continue;
    const at = usedAt.get(name) || name;
    const before = invalid.length;
    collectStringProblems(value, type, at, invalid);
    if (invalid.length > before) continue;
    // Lists of items whose cells the resolver checks (50 000 sync rows) are set aside and checked
    // for shape only: graphql-js coerces the whole value again when it executes, and a second full
    // coercion here cost as much as the first.
    const setAside: CheckedItems[] = [];
    coerceInputValue(setAsideCheckedItems(value, type, [], setAside), type, (path, _invalidValue, error) => {
      invalid.push({ path: [at, ...path].join("."), message: error.message });
    });
    // The request's body was parsed in this same turn of the event loop, and graphql-js coerces
    // the whole value in one call when it executes: the shape checks of 50 000 rows take turns of
    // their own between the two, so other requests are answered in between.
    for (const { items, itemType, path } of setAside) {
      for (let index = 0; index < items.length; index++) {
        if (index % SHAPE_CHECKS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
        checkShape(items[index], itemType, [at, ...path, index].join("."), invalid);
      }
    }
    // Execution's coercion of the whole value starts in a turn of its own.
    if (setAside.length > 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return invalid;
}

/**
 * The variables with each list of items whose cells the resolver checks (sync rows) replaced by
 * an empty list. An operation's cost does not depend on such items, and graphql-query-complexity
 * coerces all the variables it is given: 50 000 rows cost it as long as execution's own coercion.
 */
export function withoutResolverCheckedItems(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  values: Record<string, unknown>,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const value = values[name];
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (value === undefined || !type) continue;
    const replaced = setAsideCheckedItems(value, type, [], []);
    if (replaced !== value) (copy ??= { ...values })[name] = replaced;
  }
  return copy ?? values;
}

interface CheckedItems {
  items: unknown[];
  itemType: GraphQLInputType;
  path: (string | number)[];
}

/**
 * `value` with each list of items whose cells the resolver checks replaced by an empty list (a
 * list type accepts one), copying only the objects on the way to such a list; the lists set aside.
 */
function setAsideCheckedItems(
  value: unknown,
  type: GraphQLInputType,
  path: (string | number)[],
  setAside: CheckedItems[],
): unknown {
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    const itemType = nullable.ofType as GraphQLInputType;
    if (Array.isArray(value) && cellsCheckedByResolver(itemType)) {
      setAside.push({ items: value, itemType, path });
      return [];
    }
    return value;
  }
  if (!isInputObjectType(nullable) || typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const fields = nullable.getFields();
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const field = fields[key];
    if (!field) continue;
    const replaced = setAsideCheckedItems(item, field.type, [...path, key], setAside);
    if (replaced !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = replaced;
  }
  return copy ?? value;
}

/**
 * What coercion would refuse in `value`, reported as graphql-js words it, without building the
 * coerced value: the shape of items whose cells the resolver checks (it reports bad cells per item).
 */
function checkShape(value: unknown, type: GraphQLInputType, path: string, invalid: InvalidField[]): void {
  if (isNonNullType(type)) {
    if (value === null || value === undefined)
      invalid.push({ path, message: `Expected non-nullable type "${String(type)}" not to be null.` });
    else checkShape(value, type.ofType as GraphQLInputType, path, invalid);
    return;
  }
  if (value === null || value === undefined) return;
  if (isListType(type)) {
    const itemType = type.ofType as GraphQLInputType;
    if (Array.isArray(value)) value.forEach((item, index) => checkShape(item, itemType, `${path}.${index}`, invalid));
    else checkShape(value, itemType, path, invalid);
    return;
  }
  if (isInputObjectType(type)) {
    if (typeof value !== "object" || Array.isArray(value)) {
      invalid.push({ path, message: `Expected type "${type.name}" to be an object.` });
      return;
    }
    const fields = type.getFields();
    const record = value as Record<string, unknown>;
    for (const field of Object.values(fields)) {
      const item = record[field.name];
      if (item === undefined && isNonNullType(field.type) && field.defaultValue === undefined)
        invalid.push({
          path: `${path}.${field.name}`,
          message: `Field "${field.name}" of required type "${String(field.type)}" was not provided.`,
        });
      else checkShape(item, field.type, `${path}.${field.name}`, invalid);
    }
    for (const key of Object.keys(record))
      if (!fields[key]) invalid.push({ path, message: `Field "${key}" is not defined by type "${type.name}".` });
    return;
  }
  const leaf = getNamedType(type) as GraphQLScalarType | GraphQLEnumType;
  let parsed: unknown;
  let problem = "";
  try {
    parsed = leaf.parseValue(value);
  } catch (error) {
    problem = error instanceof Error ? ` ${error.message}` : "";
  }
  if (parsed === undefined) invalid.push({ path, message: `Expected type "${leaf.name}".${problem}` });
}

/**
 * NUL characters and lone surrogates anywhere in a variable's value, walked with its type so
 * that the items of a type whose cells its resolver checks (tens of thousands of sync rows) are
 * skipped. A value that does not fit its type is walked untyped below that point; the coercion
 * that follows refuses it.
 */
function collectStringProblems(
  value: unknown,
  type: GraphQLInputType | undefined,
  path: string,
  invalid: InvalidField[],
): void {
  if (type && cellsCheckedByResolver(type)) return;
  const nullable = type && (getNullableType(type) as GraphQLInputType);
  if (typeof value === "string") {
    const problem = stringProblem(value);
    if (problem) invalid.push({ path, message: problem });
  } else if (Array.isArray(value)) {
    const itemType = nullable && isListType(nullable) ? (nullable.ofType as GraphQLInputType) : undefined;
    if (itemType && cellsCheckedByResolver(itemType)) return;
    value.forEach((item, index) => collectStringProblems(item, itemType, `${path}.${index}`, invalid));
  } else if (typeof value === "object" && value !== null) {
    const fields = nullable && isInputObjectType(nullable) ? nullable.getFields() : undefined;
    for (const [key, item] of Object.entries(value)) {
      const problem = stringProblem(key);
      if (problem) invalid.push({ path, message: `a field name ${problem}` });
      else collectStringProblems(item, fields?.[key]?.type, `${path}.${key}`, invalid);
    }
  }
}
