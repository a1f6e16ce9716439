/** Writes the whole model as versioned JSON to a file only its owner can read: npm run export -- <file> [--no-audit] */
import { loadConfig } from "../config";
import { openDatabaseServer } from "../db/database";
import { exportDatabase } from "../app/transfer";
import { writePrivateFile } from "../transfer/private-file";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((arg) => !arg.startsWith("--"));
  const unknown = args.filter((arg) => arg.startsWith("--") && arg !== "--no-audit");
  if (!file || unknown.length > 0) throw new Error("Usage: npm run export -- <file> [--no-audit]");
  const database = await openDatabaseServer(loadConfig(), () => {});
  try {
    await writePrivateFile(file, await exportDatabase(database.url, { audit: !args.includes("--no-audit") }));
    console.error(`Exported to ${file}`);
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
