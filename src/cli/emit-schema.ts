/** Writes schema.graphql at the repository root: npm run schema:emit */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { printApplicationSchema } from "../app";
import { PROJECT_ROOT } from "../db/migrate";

printApplicationSchema()
  .then((sdl) => writeFile(path.join(PROJECT_ROOT, "schema.graphql"), sdl))
  .then(() => console.log("Wrote schema.graphql"))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
