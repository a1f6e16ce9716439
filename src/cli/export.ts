/** Writes the whole model as versioned JSON to a file: npm run export -- <file> */
import { writeFile } from "node:fs/promises";
import { loadConfig } from "../config";
import { openDatabaseServer } from "../db/database";
import { exportDatabase } from "../transfer/transfer";

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("Usage: npm run export -- <file>");
  const database = await openDatabaseServer(loadConfig(), () => {});
  try {
    await writeFile(file, await exportDatabase(database.url));
    console.error(`Exported to ${file}`);
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
