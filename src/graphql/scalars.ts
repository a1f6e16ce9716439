import { GraphQLScalarType, type ValueNode } from "graphql";
import { GraphQLDate as DateFromLibrary } from "graphql-scalars";
import { BadUserInputError } from "./errors";

const INVALID_DATE = "must be a calendar date as YYYY-MM-DD, e.g. \"2024-03-01\"";

/** graphql-scalars' Date, with bad values reported as BAD_USER_INPUT rather than a schema violation. */
export const GraphQLDate = new GraphQLScalarType({
  ...DateFromLibrary.toConfig(),
  parseValue(value: unknown) {
    try {
      return DateFromLibrary.parseValue(value);
    } catch {
      throw new BadUserInputError(`${JSON.stringify(value)} ${INVALID_DATE}`);
    }
  },
  parseLiteral(ast: ValueNode, variables?: Record<string, unknown> | null) {
    try {
      return DateFromLibrary.parseLiteral(ast, variables);
    } catch {
      throw new BadUserInputError(`${"value" in ast ? JSON.stringify(ast.value) : "The value"} ${INVALID_DATE}`, undefined, ast);
    }
  },
});
