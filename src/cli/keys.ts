/** Creates, revokes and lists API keys: npm run keys -- --help */
import { loadConfig } from "../config";
import { openDatabaseServer } from "../db/database";
import { applyMigrations } from "../db/migrate";
import { createPrismaClient, type Database } from "../db/prisma";
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from "../access/api-keys";
import { SCOPE_DESCRIPTIONS } from "../access/scopes";

const SCOPE_WIDTH = Math.max(...Object.keys(SCOPE_DESCRIPTIONS).map((scope) => scope.length));

const USAGE = `Usage:
  npm run keys -- create --name <name> --scopes <scope,scope,...> [--expires <date>]
  npm run keys -- revoke <name or prefix>
  npm run keys -- list

create   prints the new key once; only a hash of it is stored.
         <name>: letters, digits, ".", "_" and "-" (e.g. region-vasternorrland-hr-sync).
         <date>: YYYY-MM-DD (the key expires at 00:00 UTC that day) or an ISO 8601 date-time.
revoke   stops a key from working, at once and for good.
list     shows every key, without secrets.

Scopes:
${Object.entries(SCOPE_DESCRIPTIONS)
  .map(([scope, description]) => `  ${scope.padEnd(SCOPE_WIDTH)}  ${description}`)
  .join("\n")}

The database is DATABASE_URL's, or else the embedded one (the API server must then be stopped).`;

/** A command line that does not say what to do; the usage is pointed to. */
class UsageError extends Error {}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  if (command === undefined || ["--help", "-h", "help"].includes(command) || rest.includes("--help")) {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case "create": {
      const options = parseOptions(rest, ["name", "scopes", "expires"]);
      if (options.name === undefined) throw new UsageError("create needs --name <name>.");
      if (options.scopes === undefined) throw new UsageError("create needs --scopes <scope,scope,...>.");
      const input = {
        name: options.name,
        scopes: options.scopes.split(","),
        expiresAt: options.expires === undefined ? undefined : parseExpiry(options.expires),
      };
      const { key, apiKey } = await withDatabase((prisma) => createApiKey(prisma, input));
      console.log(`Created API key "${apiKey.name}":\n\n  ${key}\n\nCopy it now: it will not be shown again.\n`);
      console.log(`Name:     ${apiKey.name}`);
      console.log(`Prefix:   ${apiKey.prefix}`);
      console.log(`Scopes:   ${apiKey.scopes.join(", ")}`);
      console.log(`Expires:  ${apiKey.expiresAt?.toISOString() ?? "never"}`);
      return;
    }
    case "revoke": {
      if (rest.length !== 1 || rest[0]!.startsWith("-"))
        throw new UsageError("revoke needs one argument: the key's name or prefix.");
      const apiKey = await withDatabase((prisma) => revokeApiKey(prisma, rest[0]!));
      console.log(
        `API key "${apiKey.name}" (prefix ${apiKey.prefix}) is revoked since ${apiKey.revokedAt?.toISOString()}.`,
      );
      return;
    }
    case "list": {
      if (rest.length > 0) throw new UsageError("list takes no arguments.");
      const keys = await withDatabase(listApiKeys);
      console.log(keys.length === 0 ? "No API keys." : table(keys));
      return;
    }
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

/** `--option value` and `--option=value`, each allowed option at most once. */
function parseOptions<Name extends string>(args: string[], allowed: readonly Name[]): Partial<Record<Name, string>> {
  const options: Partial<Record<Name, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(args[i]!);
    const name = allowed.find((option) => option === match?.[1]);
    if (!match || name === undefined) throw new UsageError(`Unexpected argument "${args[i]}".`);
    const value = match[2] ?? args[++i];
    if (value === undefined || (match[2] === undefined && value.startsWith("--")))
      throw new UsageError(`--${name} needs a value.`);
    if (options[name] !== undefined) throw new UsageError(`--${name} is given twice.`);
    options[name] = value;
  }
  return options;
}

function parseExpiry(text: string): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const date = dateOnly ? new Date(`${text}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? new Date(text) : undefined;
  // Date accepts 2027-02-30 and rolls it over to March; a date that does not round-trip is no date.
  if (!date || Number.isNaN(date.getTime()) || (dateOnly && date.toISOString().slice(0, 10) !== text)) {
    throw new UsageError(`--expires "${text}" is not a date: use YYYY-MM-DD or an ISO 8601 date-time.`);
  }
  return date;
}

async function withDatabase<T>(work: (prisma: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabaseServer(config, () => {});
  try {
    const prisma = createPrismaClient({ url: database.url, poolSize: 2 });
    try {
      await applyMigrations(database.url);
      return await work(prisma);
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    await database.stop();
  }
}

function table(keys: ApiKeyInfo[]): string {
  const now = new Date();
  const time = (date: Date | null) => (date ? `${date.toISOString().slice(0, 16).replace("T", " ")}Z` : "-");
  const status = (key: ApiKeyInfo) =>
    key.revokedAt ? "revoked" : key.expiresAt && key.expiresAt <= now ? "expired" : "active";
  const rows = [
    ["NAME", "PREFIX", "STATUS", "SCOPES", "CREATED", "LAST USED", "EXPIRES"],
    ...keys.map((key) => [
      key.name,
      key.prefix,
      status(key),
      key.scopes.join(","),
      time(key.createdAt),
      time(key.lastUsedAt),
      time(key.expiresAt),
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  if (error instanceof UsageError) console.error("Run `npm run keys -- --help` for usage.");
  process.exit(1);
});
