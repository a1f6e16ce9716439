import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/client/runtime/client";
import { defineConfig } from "prisma/config";

// The CLI validates the datasource URL even when nothing connects (e.g. `prisma generate`
// during `npm install`), so a placeholder stands in when no database is configured.
const PLACEHOLDER_URL = "postgresql://placeholder@localhost:5432/placeholder";
process.env.DATABASE_URL ??= PLACEHOLDER_URL;

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  // adapter-pg 7.x is used with Prisma 6.19 because 6.19's adapter cannot read `name` columns.
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL }) as unknown as SqlMigrationAwareDriverAdapterFactory,
});
