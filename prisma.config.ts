import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
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
  // adapter-pg 7.x is used with Prisma 6.19 because 6.19's adapter cannot read `name` columns; its
  // factory type differs from 6.19's declarations only in version brands, hence the cast.
  // allowExitOnIdle: the CLI is done when its queries are; idle pooled connections must not hold it open.
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL, allowExitOnIdle: true }) as never,
});
