// Lets Node run the TypeScript sources directly (`node -r ./scripts/swc-register.cjs src/main.ts`),
// transpiled file by file by swc with the same settings as the tests: decorators with their
// type metadata, which type-graphql reads. No type checking here; `tsc --watch` does that beside it.
const fs = require("node:fs");
const { transformSync } = require("@swc/core");

const options = {
  jsc: {
    parser: { syntax: "typescript", decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: "es2022",
  },
  module: { type: "commonjs" },
  sourceMaps: "inline",
};

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, "utf8"), { ...options, filename });
  module._compile(code, filename);
};
process.setSourceMapsEnabled(true);
