/**
 * Adds the generated data set (working groups, people, memberships) to the configured database,
 * after applying migrations and the reference seed: npm run db:generate -- [--scale N] [--seed N]
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { openDatabaseServer } from "../db/database";
import { applyMigrations } from "../db/migrate";
import { createPrismaClient } from "../db/prisma";
import { generateDataset } from "../dataset/generate";
import { seedReferenceData } from "../seed/seed";

function readOptions(): { scale: number; seed: number } {
  const { values } = parseArgs({
    options: { scale: { type: "string", default: "1" }, seed: { type: "string", default: "1" } },
  });
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`--scale must be a positive number, not "${values.scale}"`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, not "${values.seed}"`);
  return { scale, seed };
}

async function main(): Promise<void> {
  const options = readOptions();
  const config = loadConfig();
  const database = await openDatabaseServer(config, () => {});
  const prisma = createPrismaClient({ url: database.url });
  try {
    await applyMigrations(database.url);
    await seedReferenceData(prisma);
    const started = Date.now();
    const summary = await generateDataset(prisma, options);
    for (const [name, count] of Object.entries(summary)) console.log(`${name.padEnd(18)} ${count}`);
    console.log(
      `generated at scale ${options.scale} (seed ${options.seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await prisma.$disconnect();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
