// Whether dist/ is older than the sources it is built from, and a build that runs only then.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function newest(entry) {
  const stats = statSync(entry, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(entry).reduce((latest, name) => Math.max(latest, newest(path.join(entry, name))), stats.mtimeMs);
}

function builtAt(file) {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** The compiled server is older than a TypeScript source or the compiler settings. */
export function serverStale(output = path.join(ROOT, "dist", "main.js")) {
  return builtAt(output) < Math.max(newest(path.join(ROOT, "src")), newest(path.join(ROOT, "tsconfig.json")));
}

/** The GraphiQL bundle is older than its sources or the lockfile (its packages). */
export function graphiqlStale() {
  return (
    builtAt(path.join(ROOT, "dist", "graphiql", "app.js")) <
    Math.max(newest(path.join(ROOT, "graphiql")), newest(path.join(ROOT, "package-lock.json")))
  );
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

export function buildServer() {
  run([path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(ROOT, "tsconfig.json")]);
}

export function buildGraphiql() {
  run([path.join(ROOT, "scripts", "build-graphiql.mjs")]);
}
