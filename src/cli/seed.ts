/** Applies migrations and loads the reference data into the configured database: npm run db:seed */
import { loadConfig } from "../config";
import { openDatabaseServer } from "../db/database";
import { applyMigrations } from "../db/migrate";
import { createPrismaClient } from "../db/prisma";
import { seedReferenceData } from "../seed/seed";

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabaseServer(config, () => {});
  const prisma = createPrismaClient({ url: database.url });
  try {
    await applyMigrations(database.url);
    const report = await seedReferenceData(prisma);
    for (const [table, counts] of Object.entries(report)) {
      console.log(
        `${table.padEnd(24)} created ${counts.created}, updated ${counts.updated}, unchanged ${counts.unchanged}`,
      );
    }
  } finally {
    await prisma.$disconnect();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
