import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "dist-bench/", "dist-examples/", "src/generated/", "node_modules/", "coverage/", "data/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", __dirname: "readonly", require: "readonly", module: "writable", Buffer: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": ["error", { allow: ["prisma/build/index.js"] }],
    },
  },
  {
    // CommonJS by necessity: a require hook loaded with `node -r`.
    files: ["scripts/**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The GraphiQL page runs in the browser.
    files: ["graphiql/**/*.js"],
    languageOptions: { globals: { window: "readonly", document: "readonly", fetch: "readonly" } },
  },
);
