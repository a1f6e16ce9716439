import { lexicographicSortSchema, printSchema } from "graphql";
import { buildGraphQLSchema } from "./schema";

export const SCHEMA_HEADER = "# This file is generated from the code by `npm run schema:emit`. Do not edit it by hand.\n\n";

/** The schema as checked in at the repository root: sorted, with a generated-file header. */
export async function printGraphQLSchema(): Promise<string> {
  return `${SCHEMA_HEADER}${printSchema(lexicographicSortSchema(await buildGraphQLSchema()))}\n`;
}
