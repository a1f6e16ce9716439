// Runs a command-line tool from dist/cli, building the project first only when a source file is
// newer than the build (a current build starts in well under a second instead of recompiling).
// Usage: node scripts/run-cli.mjs <name> [arguments…]   e.g. node scripts/run-cli.mjs keys list
import { spawnSync } from "node:child_process";
import { constants } from "node:os";
import path from "node:path";
import { buildServer, ROOT, serverStale } from "./build-state.mjs";

const [name, ...args] = process.argv.slice(2);
if (!name || !/^[a-z-]+$/.test(name)) {
  console.error("Usage: node scripts/run-cli.mjs <name> [arguments…]");
  process.exit(2);
}
const built = path.join(ROOT, "dist", "cli", `${name}.js`);
if (serverStale(built)) {
  console.error("Building (the sources changed since the last build)…");
  buildServer();
}
const run = spawnSync(process.execPath, [built, ...args], { stdio: "inherit" });
process.exit(run.status ?? 128 + (run.signal ? (constants.signals[run.signal] ?? 0) : 1));
