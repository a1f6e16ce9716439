import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";

export const SCHEMA_HEADER =
  "# This file is generated from the code by `npm run schema:emit`. Do not edit it by hand.\n\n";

/** The schema as checked in at the repository root: sorted, with a generated-file header. */
export function printGraphQLSchema(schema: GraphQLSchema): string {
  return `${SCHEMA_HEADER}${printSchema(lexicographicSortSchema(schema))}\n`;
}
