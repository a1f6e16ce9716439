/**
 * GraphQL Code Generator (client preset) for Kunskapsgraf: typed documents from `schema.graphql`.
 * Run from the repository root: `npx graphql-codegen --config examples/clients/codegen.ts`.
 *
 * The custom scalars arrive as JSON strings (Date `YYYY-MM-DD`, DateTime RFC 3339 in UTC) and any
 * JSON value; `strictScalars` makes generation fail if a new scalar has no mapping here, instead
 * of typing it `any`.
 */
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["examples/clients/typed-client.ts"],
  generates: {
    "examples/clients/gql/": {
      preset: "client",
      config: {
        strictScalars: true,
        scalars: { Date: "string", DateTime: "string", JSON: "unknown" },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
