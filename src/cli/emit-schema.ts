/** Writes schema.graphql at the repository root: npm run schema:emit */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { PROJECT_ROOT } from "../db/migrate";
import { printGraphQLSchema } from "../graphql/print-schema";

printGraphQLSchema()
  .then((sdl) => writeFile(path.join(PROJECT_ROOT, "schema.graphql"), sdl))
  .then(() => console.log("Wrote schema.graphql"))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
