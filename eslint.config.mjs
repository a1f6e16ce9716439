import js from "@eslint/js";
import tseslint from "typescript-eslint";
import regexp from "eslint-plugin-regexp";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "dist-bench/",
      "dist-examples/",
      "src/generated/",
      "examples/clients/gql/",
      "examples/clients/relay/__generated__/",
      "node_modules/",
      "coverage/",
      "data/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
        require: "readonly",
        module: "writable",
        Buffer: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": ["error", { allow: ["prisma/build/index.js"] }],
    },
  },
  {
    // Type-aware rules: a promise nobody awaits loses its errors (an unhandled rejection ends the process).
    files: ["**/*.ts"],
    ignores: ["src/generated/**"],
    languageOptions: {
      parserOptions: {
        project: ["./tsconfig.check.json", "./examples/tsconfig.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
    },
  },
  {
    // CommonJS by necessity: a require hook loaded with `node -r`.
    files: ["scripts/**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // A regular expression that backtracks super-linearly lets one small request block the event loop.
    plugins: { regexp },
    rules: {
      "regexp/no-super-linear-backtracking": "error",
      "regexp/no-super-linear-move": "error",
    },
  },
  {
    // Patterns on arguments go through BoundedMatches (src/graphql/validation.ts), which checks the length first.
    files: ["src/**/*.ts"],
    ignores: ["src/graphql/validation.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "class-validator",
              importNames: ["Matches"],
              message:
                "Use BoundedMatches from src/graphql/validation.ts: it checks the length before the pattern runs.",
            },
          ],
        },
      ],
    },
  },
  {
    // Modules read through sqlReader (src/db/read-sql.ts) and write through Prisma, never the driver itself.
    files: ["src/modules/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "class-validator",
              importNames: ["Matches"],
              message:
                "Use BoundedMatches from src/graphql/validation.ts: it checks the length before the pattern runs.",
            },
            {
              name: "pg",
              message:
                "Read with sqlReader(prisma).rows(name, Prisma.sql`…`, row({ … })) from src/db/read-sql.ts: parameters, constant identifiers, rows checked, statements counted.",
            },
          ],
        },
      ],
    },
  },
  {
    // Raw SQL goes through Prisma.sql templates and src/db/sql.ts (parameters, constant identifiers, rows checked).
    files: ["src/**/*.ts"],
    ignores: ["src/generated/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          property: "$queryRawUnsafe",
          message:
            "Use queryRows(client, Prisma.sql`…`, row({ … })) from src/db/sql.ts: parameters, constant identifiers, rows checked.",
        },
        {
          property: "$executeRawUnsafe",
          message: "Use execute(client, Prisma.sql`…`) from src/db/sql.ts: parameters and constant identifiers.",
        },
      ],
    },
  },
  {
    // The GraphiQL page runs in the browser.
    files: ["graphiql/**/*.js"],
    languageOptions: { globals: { window: "readonly", document: "readonly", fetch: "readonly" } },
  },
);
