/** Registers trusted documents from .graphql files in the manifest: npm run documents:register -- --help */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, validate, type GraphQLSchema } from "graphql";
import { applicationSchema } from "../app";
import { loadConfig } from "../config";
import { StartupProblem } from "../db/startup-problem";
import { documentHash, parseManifest } from "../graphql/trusted-documents";

const USAGE = `Usage:
  npm run documents:register -- [--out <file>] [--replace] <file, directory or glob> ...

Adds each .graphql file's text, as it is, to the manifest of trusted documents under its
SHA-256 hash, after checking it against the schema. A directory means every .graphql file in
it and below; a glob may use * (within a name) and ** (any directories), e.g. "clients/**/*.graphql".
Prints each document's id: clients send it as "documentId": "sha256:<hash>" or as
extensions.persistedQuery.sha256Hash.

--out      the manifest (default: TRUSTED_DOCUMENTS_FILE, else ./persisted-documents.json)
--replace  drop the documents registered before instead of keeping them`;

class UsageError extends Error {}

interface Registered {
  id: string;
  file: string;
  operations: string[];
  added: boolean;
}

/** Registers the documents of the given files in the manifest and tells what it did. */
export function registerDocuments(
  schema: GraphQLSchema,
  patterns: readonly string[],
  manifest: string,
  replace: boolean,
): Registered[] {
  const files = [...new Set(patterns.flatMap((pattern) => graphqlFiles(pattern)))];
  const documents =
    !replace && existsSync(manifest)
      ? parseManifest(readFileSync(manifest, "utf8"), manifest)
      : new Map<string, string>();
  const problems: string[] = [];
  const registered: Registered[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    let operations: string[];
    try {
      const document = parse(text);
      const errors = validate(schema, document);
      if (errors.length > 0) {
        problems.push(...errors.map((error) => `${file}: ${error.message}`));
        continue;
      }
      operations = document.definitions.flatMap((definition) =>
        definition.kind === "OperationDefinition" ? [definition.name?.value ?? "(anonymous)"] : [],
      );
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    if (operations.length === 0) {
      problems.push(`${file}: holds no operation (fragments alone cannot be sent)`);
      continue;
    }
    const id = documentHash(text);
    registered.push({ id, file, operations, added: !documents.has(id) });
    documents.set(id, text);
  }
  if (problems.length > 0)
    throw new StartupProblem(`Nothing was registered: fix these first.\n  ${problems.join("\n  ")}`);
  const sorted = Object.fromEntries([...documents.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeFileSync(manifest, `${JSON.stringify(sorted, null, 2)}\n`);
  return registered;
}

/** The .graphql files a command-line argument names: a file, a directory (searched below), or a glob. */
function graphqlFiles(pattern: string): string[] {
  if (!/[*?]/.test(pattern)) {
    if (!existsSync(pattern)) throw new StartupProblem(`${pattern} does not exist.`);
    return statSync(pattern).isDirectory() ? walk(pattern).filter((file) => file.endsWith(".graphql")) : [pattern];
  }
  // The directory before the first wildcard is walked; the rest is matched against each path under it.
  const parts = pattern.split("/");
  const firstWild = parts.findIndex((part) => /[*?]/.test(part));
  const base = parts.slice(0, firstWild).join("/") || ".";
  const matcher = globMatcher(parts.slice(firstWild).join("/"));
  const found = existsSync(base)
    ? walk(base).filter((file) => matcher.test(path.relative(base, file).split(path.sep).join("/")))
    : [];
  if (found.length === 0) throw new StartupProblem(`No file matches ${pattern}.`);
  return found;
}

/** A glob as a regular expression: `**` any directories, `*` any characters but `/`, `?` one of them. */
function globMatcher(glob: string): RegExp {
  let source = "";
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (glob.startsWith("**/", index)) {
      source += "(?:[^/]+/)*";
      index += 2;
    } else if (glob.startsWith("**", index)) {
      source += ".*";
      index += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

function walk(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : walk(full);
      return entry.isFile() ? [full] : [];
    });
}

function parseArguments(args: string[]): { out?: string; replace: boolean; patterns: string[] } {
  const patterns: string[] = [];
  let out: string | undefined;
  let replace = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--out") {
      out = args[++index];
      if (out === undefined) throw new UsageError("--out needs a file.");
    } else if (arg === "--replace") replace = true;
    else if (arg.startsWith("-")) throw new UsageError(`Unknown option ${arg}.`);
    else patterns.push(arg);
  }
  if (patterns.length === 0) throw new UsageError("Name at least one .graphql file, directory or glob.");
  return { out, replace, patterns };
}

async function main(args: string[]): Promise<void> {
  if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const { out, replace, patterns } = parseArguments(args);
  const manifest = out ? path.resolve(out) : loadConfig().trustedDocuments.file;
  const registered = registerDocuments(await applicationSchema(), patterns, manifest, replace);
  for (const entry of registered)
    console.log(
      `sha256:${entry.id}  ${entry.operations.join(", ")}  ${entry.file}${entry.added ? "" : "  (already registered)"}`,
    );
  const added = registered.filter((entry) => entry.added).length;
  console.log(`\n${added} document(s) added, ${registered.length - added} already registered: ${manifest}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(error instanceof StartupProblem ? error.message : error);
    process.exit(1);
  });
}
