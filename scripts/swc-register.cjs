// Lets Node run the TypeScript sources directly (`node -r ./scripts/swc-register.cjs src/main.ts`),
// transpiled file by file by swc with the same settings as the tests: decorators with their
// type metadata, which type-graphql reads. No type checking here; `tsc --watch` does that beside it.
// Transpiled files are cached by content, so a restart after an edit transpiles only that file.
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const swc = require("@swc/core");

const options = {
  jsc: {
    parser: { syntax: "typescript", decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: "es2022",
  },
  module: { type: "commonjs" },
  sourceMaps: "inline",
};
const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "swc-register");
const salt = `${swc.version}\0${JSON.stringify(options)}`;

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const cached = path.join(
    cacheDir,
    `${crypto.createHash("sha256").update(salt).update(filename).update("\0").update(source).digest("hex")}.js`,
  );
  let code;
  try {
    code = fs.readFileSync(cached, "utf8");
  } catch {
    code = swc.transformSync(source, { ...options, filename }).code;
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(cached, code);
  }
  module._compile(code, filename);
};
process.setSourceMapsEnabled(true);
