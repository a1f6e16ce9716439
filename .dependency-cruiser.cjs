/**
 * Boundaries of the code base, checked by `npm run lint` (and so in CI):
 * infrastructure knows nothing of the modules, modules reach each other only through their
 * index.ts, and no import cycle exists anywhere in src (type-only imports included).
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment:
        "An import cycle (between modules or anywhere else) makes the order of loading matter and the layers meaningless.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "infrastructure-knows-no-modules",
      severity: "error",
      comment:
        "src/graphql, src/db, src/access, src/transfer and the other shared code are built on by the modules; the composition root (src/app) wires them together.",
      from: {
        path: "^src/",
        pathNot: ["^src/modules/", "^src/app/", "^src/server\\.ts$", "^src/main\\.ts$", "^src/cli/"],
      },
      to: { path: ["^src/modules/", "^src/app/"] },
    },
    {
      name: "modules-do-not-import-the-root",
      severity: "error",
      comment:
        "What a module needs of the others at run time comes through the context (Context.registry), not from src/app.",
      from: { path: "^src/modules/" },
      to: { path: ["^src/app/", "^src/server\\.ts$", "^src/main\\.ts$", "^src/cli/"] },
    },
    {
      name: "modules-meet-through-index",
      severity: "error",
      comment: "A module is used by others only through its public index.ts.",
      from: { path: "^src/modules/([^/]+)/" },
      to: { path: "^src/modules/", pathNot: ["^src/modules/$1/", "^src/modules/[^/]+/index\\.ts$"] },
    },
  ],
  options: {
    includeOnly: "^src/",
    exclude: { path: "^src/generated/" },
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    moduleSystems: ["cjs", "es6"],
  },
};
