// Bundles GraphiQL and React into dist/graphiql (app.js, app.css, index.html) so the server can
// serve the IDE without any request to the internet.
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "dist", "graphiql");
await mkdir(outdir, { recursive: true });
await build({
  entryPoints: { app: path.join(root, "graphiql", "app.js") },
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  outdir,
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".svg": "dataurl" },
  logLevel: "warning",
});
await copyFile(path.join(root, "graphiql", "index.html"), path.join(outdir, "index.html"));
