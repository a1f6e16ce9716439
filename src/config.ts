import { isIP } from "node:net";
import path from "node:path";

/** Every setting of the service, parsed and validated once from the environment. */
export interface Config {
  /** `production` masks internals and turns off development conveniences. @default "development" */
  readonly environment: "development" | "production" | "test";
  /** HTTP port. @default 4000 */
  readonly port: number;
  /** Interface to listen on. @default "127.0.0.1" */
  readonly host: string;
  /** External PostgreSQL; when absent an embedded PostgreSQL is started. */
  readonly databaseUrl: string | undefined;
  /**
   * Read replicas (streaming standbys of DATABASE_URL) that take the read traffic: queries go to one
   * that has replayed the caller's last write, writes and everything in a mutation to the primary.
   * Empty: everything on the primary. Needs DATABASE_URL.
   */
  readonly databaseReadUrls: readonly string[];
  readonly readReplicas: {
    /** A replica further behind the primary than this is passed over until it catches up. @default 5000 */
    readonly maxLagMs: number;
    /** How often each replica's replay position is checked. @default 1000 */
    readonly probeIntervalMs: number;
    /** Connections per replica. @default DATABASE_POOL_SIZE */
    readonly poolSize: number | undefined;
  };
  readonly embeddedDatabase: {
    /** Data directory of the embedded cluster. @default "./data/pg" */
    readonly dataDir: string;
    /** TCP port (bound to 127.0.0.1 only). @default 5433 */
    readonly port: number;
    /** Database created inside the embedded cluster. @default "kunskapsgraf" */
    readonly databaseName: string;
  };
  /** Apply pending migrations on start. @default true */
  readonly migrateOnStart: boolean;
  /** Load the reference data on start (idempotent). @default true */
  readonly seedOnStart: boolean;
  /**
   * `generated`: on start, load the generated demonstration data set (fictitious people and
   * memberships, as `npm run db:generate` makes) into an embedded database that holds no people
   * yet, once. Refused with NODE_ENV=production and with DATABASE_URL. `npm start -- --demo`
   * sets it. @default "none"
   */
  readonly demoData: "none" | "generated";
  /** Allow schema introspection. @default true */
  readonly introspection: boolean;
  /** Report SQL statements per request in the response's `extensions`. @default false */
  readonly exposeSqlStatementCount: boolean;
  /** Size of the database connection pool. @default 10 */
  readonly databasePoolSize: number;
  /** How long a request may wait for a pool connection, including connecting to PostgreSQL. @default 5000 */
  readonly databaseConnectTimeoutMs: number;
  /** PostgreSQL `statement_timeout` of the pool's connections; a statement waiting on locks counts too. @default 30000 */
  readonly databaseStatementTimeoutMs: number;
  /** Batch and cache loads per request (DataLoader). Off only to measure the naive resolvers. @default true */
  readonly dataloaderBatching: boolean;
  /** On SIGTERM/SIGINT, how long in-flight requests may finish before connections are closed. @default 10000 */
  readonly shutdownGraceMs: number;
  /** Lowest level logged. @default "info" */
  readonly logLevel: LogLevel;
  /** What callers without an API key may do: `read` (the public structure and member names) or `none`. Never writes or contact data. @default "read" */
  readonly anonymousAccess: "read" | "none";
  /** Largest request body accepted, in bytes; a membership sync of 10 000 rows is about 3 MB. @default 16777216 */
  readonly requestBodyLimitBytes: number;
  /**
   * Answers to queries kept in memory and served again while no write has committed since (see
   * src/graphql/response-cache.ts).
   */
  readonly responseCache: {
    /** @default true */
    readonly enabled: boolean;
    /** Memory the cached answers may take, in bytes; the least recently used go first. @default 67108864 */
    readonly maxBytes: number;
  };
  /** Limits checked before execution. */
  readonly queryLimits: {
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxDirectives: number;
    readonly maxTokens: number;
    readonly maxCost: number;
  };
  /** A read still running after this long starts no more SQL statements or batches; mutations have no such limit. @default 30000 */
  readonly executionTimeoutMs: number;
  readonly rateLimit: {
    readonly windowSeconds: number;
    /** Requests per window for each API key: the floor under the cost budget. @default 1200 */
    readonly keyRequests: number;
    /** Requests per window for each client address without a key. @default 300 */
    readonly anonymousRequests: number;
    /** Query cost each API key may spend per window (the cost `MAX_QUERY_COST` limits per request). @default 2000000 */
    readonly keyCost: number;
    /** Query cost each client address without a key may spend per window. @default 500000 */
    readonly anonymousCost: number;
    /** Redis for counters shared by replicas; in memory when absent. */
    readonly redisUrl: string | undefined;
    /** Prefix of the counters' Redis keys, to keep deployments sharing a Redis apart. @default "kunskapsgraf" */
    readonly redisPrefix: string;
  };
  /**
   * Automatic persisted queries (Apollo's APQ): a client sends a query's SHA-256 hash, and the
   * query only when the server does not know the hash yet.
   */
  readonly persistedQueries: {
    /** @default true */
    readonly enabled: boolean;
    /** Memory the queries kept may take in this process, in bytes (without Redis). @default 8388608 */
    readonly maxBytes: number;
    /** How long a query is kept after it was last registered, in seconds. @default 86400 */
    readonly ttlSeconds: number;
  };
  /**
   * Trusted documents: operations registered ahead of time (`npm run documents:register`), sent by
   * hash. `off`: not looked up; `allow`: registered ones may be sent by hash, any other document
   * is still accepted; `require`: only registered documents run (an `admin` key may send any).
   * @default "off"
   */
  readonly trustedDocuments: {
    readonly mode: "off" | "allow" | "require";
    /** The manifest of registered documents (hash → document). @default "./persisted-documents.json" */
    readonly file: string;
  };
  /** Origins allowed to call the API from browsers (CORS); none when empty, any with "*". */
  readonly corsOrigins: readonly string[];
  /**
   * Which reverse proxies may tell the client's address in X-Forwarded-For: `false` (none, the
   * connection's address counts), a number of proxy hops in front of the API, or their addresses
   * and subnets. Used for per-address rate limits and logs. @default false
   */
  readonly trustProxy: TrustProxy;
  readonly metrics: {
    /** Operation names always given their own label; names sent with an API key get one too (at most 200). */
    readonly operationNames: readonly string[];
    /** Serve /metrics on this port instead of the API's, so it need not be reachable where the API is. */
    readonly port: number | undefined;
    /** Interface of the metrics port. @default "127.0.0.1" */
    readonly host: string;
  };
  /**
   * OpenTelemetry traces, exported over OTLP/HTTP (JSON) when an endpoint is set; nothing of the
   * SDK is loaded otherwise. The standard variables: `OTEL_EXPORTER_OTLP_ENDPOINT` (the collector's
   * base URL, `/v1/traces` is appended), `OTEL_SERVICE_NAME`, `OTEL_SDK_DISABLED`.
   */
  readonly tracing: {
    /** Undefined (tracing off) when unset or when `OTEL_SDK_DISABLED=true`. */
    readonly endpoint: string | undefined;
    /** @default "kunskapsgraf" */
    readonly serviceName: string;
  };
}

/** See `Config.trustProxy`. */
export type TrustProxy = false | number | readonly string[];

const TRUST_PROXY_EXPECTED =
  'false, the number of proxies in front of the API (1 to 10), or their addresses and subnets, e.g. "10.0.0.5, 10.1.0.0/16" ' +
  "(or loopback, linklocal, uniquelocal). `true` is refused: it would let any client choose its own address with X-Forwarded-For";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: T, parse: (raw: string) => T | undefined, expected: string): T => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return fallback;
    const value = parse(raw.trim());
    if (value === undefined) {
      problems.push(`${name}=${JSON.stringify(raw)} is not ${expected}`);
      return fallback;
    }
    return value;
  };

  const environment = read(
    "NODE_ENV",
    "development" as Config["environment"],
    parseEnvironment,
    "one of development, production, test",
  );
  const config: Config = {
    environment,
    port: read("PORT", 4000, (raw) => parsePort(raw, true), "a port number (0-65535)"),
    host: read("HOST", "127.0.0.1", (raw) => raw, "a host name"),
    databaseUrl: read(
      "DATABASE_URL",
      undefined,
      parseDatabaseUrl,
      "a PostgreSQL URL such as postgresql://user:password@host:5432/database",
    ),
    databaseReadUrls: read(
      "DATABASE_READ_URL",
      [] as readonly string[],
      parseDatabaseUrls,
      "one or more PostgreSQL URLs separated by commas",
    ),
    readReplicas: {
      maxLagMs: read(
        "READ_REPLICA_MAX_LAG_MS",
        5_000,
        (raw) => parseIntegerIn(raw, 0, 3_600_000),
        "milliseconds from 0 to 3600000",
      ),
      probeIntervalMs: read(
        "READ_REPLICA_PROBE_INTERVAL_MS",
        1_000,
        (raw) => parseIntegerIn(raw, 100, 60_000),
        "milliseconds from 100 to 60000",
      ),
      poolSize: read(
        "DATABASE_READ_POOL_SIZE",
        undefined as number | undefined,
        (raw) => parseIntegerIn(raw, 1, 200),
        "a whole number from 1 to 200",
      ),
    },
    embeddedDatabase: {
      dataDir: path.resolve(read("EMBEDDED_DB_DIR", "./data/pg", (raw) => raw, "a directory")),
      port: read("EMBEDDED_DB_PORT", 5433, (raw) => parsePort(raw, false), "a port number (1-65535)"),
      databaseName: read(
        "EMBEDDED_DB_NAME",
        "kunskapsgraf",
        parseIdentifier,
        "a database name of letters, digits and underscores",
      ),
    },
    migrateOnStart: read("MIGRATE_ON_START", true, parseBoolean, "true or false"),
    seedOnStart: read("SEED_ON_START", true, parseBoolean, "true or false"),
    demoData: read(
      "DEMO_DATA",
      "none" as Config["demoData"],
      (raw) => (raw === "none" || raw === "generated" ? raw : undefined),
      "none or generated",
    ),
    introspection: read("INTROSPECTION", true, parseBoolean, "true or false"),
    exposeSqlStatementCount: read("EXPOSE_SQL_STATEMENT_COUNT", false, parseBoolean, "true or false"),
    databasePoolSize: read(
      "DATABASE_POOL_SIZE",
      10,
      (raw) => parseIntegerIn(raw, 1, 200),
      "a whole number from 1 to 200",
    ),
    databaseConnectTimeoutMs: read(
      "DATABASE_CONNECT_TIMEOUT_MS",
      5_000,
      (raw) => parseIntegerIn(raw, 100, 600_000),
      "milliseconds from 100 to 600000",
    ),
    databaseStatementTimeoutMs: read(
      "DATABASE_STATEMENT_TIMEOUT_MS",
      30_000,
      (raw) => parseIntegerIn(raw, 100, 3_600_000),
      "milliseconds from 100 to 3600000",
    ),
    dataloaderBatching: read("DATALOADER_BATCHING", true, parseBoolean, "true or false"),
    anonymousAccess: read(
      "ANONYMOUS_ACCESS",
      "read" as "read" | "none",
      (raw) => (raw === "read" || raw === "none" ? raw : undefined),
      "read or none",
    ),
    requestBodyLimitBytes: read(
      "REQUEST_BODY_LIMIT_BYTES",
      16 * 1024 * 1024,
      (raw) => parseIntegerIn(raw, 1024, 256 * 1024 * 1024),
      "a whole number of bytes from 1024 to 268435456",
    ),
    responseCache: {
      enabled: read("RESPONSE_CACHE", true, parseBoolean, "on or off"),
      maxBytes: read(
        "RESPONSE_CACHE_MAX_BYTES",
        64 * 1024 * 1024,
        (raw) => parseIntegerIn(raw, 65_536, 2 ** 36),
        "a whole number of bytes from 65536 to 68719476736",
      ),
    },
    queryLimits: {
      maxDepth: read("MAX_QUERY_DEPTH", 15, (raw) => parseIntegerIn(raw, 1, 1000), "a whole number from 1 to 1000"),
      maxAliases: read(
        "MAX_QUERY_ALIASES",
        30,
        (raw) => parseIntegerIn(raw, 0, 10_000),
        "a whole number from 0 to 10000",
      ),
      maxDirectives: read(
        "MAX_QUERY_DIRECTIVES",
        20,
        (raw) => parseIntegerIn(raw, 0, 10_000),
        "a whole number from 0 to 10000",
      ),
      maxTokens: read(
        "MAX_QUERY_TOKENS",
        5_000,
        (raw) => parseIntegerIn(raw, 100, 1_000_000),
        "a whole number from 100 to 1000000",
      ),
      maxCost: read(
        "MAX_QUERY_COST",
        100_000,
        (raw) => parseIntegerIn(raw, 1, 100_000_000),
        "a whole number from 1 to 100000000",
      ),
    },
    executionTimeoutMs: read(
      "EXECUTION_TIMEOUT_MS",
      30_000,
      (raw) => parseIntegerIn(raw, 1, 3_600_000),
      "milliseconds from 1 to 3600000",
    ),
    rateLimit: {
      windowSeconds: read(
        "RATE_LIMIT_WINDOW_SECONDS",
        60,
        (raw) => parseIntegerIn(raw, 1, 86_400),
        "seconds from 1 to 86400",
      ),
      keyRequests: read(
        "RATE_LIMIT_KEY_REQUESTS",
        1_200,
        (raw) => parseIntegerIn(raw, 1, 10_000_000),
        "a whole number from 1 to 10000000",
      ),
      anonymousRequests: read(
        "RATE_LIMIT_ANONYMOUS_REQUESTS",
        300,
        (raw) => parseIntegerIn(raw, 1, 10_000_000),
        "a whole number from 1 to 10000000",
      ),
      keyCost: read(
        "RATE_LIMIT_KEY_COST",
        2_000_000,
        (raw) => parseIntegerIn(raw, 1, 1_000_000_000),
        "a whole number from 1 to 1000000000",
      ),
      anonymousCost: read(
        "RATE_LIMIT_ANONYMOUS_COST",
        500_000,
        (raw) => parseIntegerIn(raw, 1, 1_000_000_000),
        "a whole number from 1 to 1000000000",
      ),
      redisUrl: read(
        "REDIS_URL",
        undefined as string | undefined,
        (raw) => (/^rediss?:\/\/\S+$/.test(raw) ? raw : undefined),
        "a Redis URL such as redis://127.0.0.1:6379",
      ),
      redisPrefix: read(
        "RATE_LIMIT_REDIS_PREFIX",
        "kunskapsgraf",
        (raw) => (/^[A-Za-z0-9._:-]{1,100}$/.test(raw) ? raw : undefined),
        "letters, digits and . _ : -",
      ),
    },
    persistedQueries: {
      enabled: read("PERSISTED_QUERIES", true, parseBoolean, "on or off"),
      maxBytes: read(
        "PERSISTED_QUERIES_MAX_BYTES",
        8 * 1024 * 1024,
        (raw) => parseIntegerIn(raw, 65_536, 2 ** 34),
        "a whole number of bytes from 65536 to 17179869184",
      ),
      ttlSeconds: read(
        "PERSISTED_QUERIES_TTL_SECONDS",
        86_400,
        (raw) => parseIntegerIn(raw, 1, 31_536_000),
        "seconds from 1 to 31536000",
      ),
    },
    trustedDocuments: {
      mode: read(
        "TRUSTED_DOCUMENTS",
        "off" as Config["trustedDocuments"]["mode"],
        (raw) => (raw === "off" || raw === "allow" || raw === "require" ? raw : undefined),
        "off, allow or require",
      ),
      file: path.resolve(read("TRUSTED_DOCUMENTS_FILE", "./persisted-documents.json", (raw) => raw, "a file")),
    },
    corsOrigins: read(
      "CORS_ORIGINS",
      [] as readonly string[],
      parseOrigins,
      '"*" or a comma-separated list of origins such as https://intranet.example.se',
    ),
    trustProxy: read("TRUST_PROXY", false as TrustProxy, parseTrustProxy, TRUST_PROXY_EXPECTED),
    metrics: {
      operationNames: read(
        "METRICS_OPERATION_NAMES",
        [] as readonly string[],
        parseOperationNames,
        "a comma-separated list of GraphQL operation names",
      ),
      port: read(
        "METRICS_PORT",
        undefined as number | undefined,
        (raw) => parsePort(raw, true),
        "a port number (0-65535)",
      ),
      host: read("METRICS_HOST", "127.0.0.1", (raw) => raw, "a host name"),
    },
    tracing: {
      endpoint: tracingEndpoint(
        read("OTEL_EXPORTER_OTLP_ENDPOINT", undefined, parseHttpUrl, "an http(s) URL such as http://127.0.0.1:4318"),
        // The SDK's own switch: tracing stays off whatever else is set.
        read("OTEL_SDK_DISABLED", false, parseBoolean, "true or false"),
      ),
      serviceName: read(
        "OTEL_SERVICE_NAME",
        "kunskapsgraf",
        (raw) => (/^[\x21-\x7e]{1,255}$/.test(raw) ? raw : undefined),
        "a name of printable characters without spaces",
      ),
    },
    logLevel: read(
      "LOG_LEVEL",
      "info" as LogLevel,
      (raw) => LOG_LEVELS.find((level) => level === raw.toLowerCase()),
      `one of ${LOG_LEVELS.join(", ")}`,
    ),
    shutdownGraceMs: read(
      "SHUTDOWN_GRACE_MS",
      10_000,
      (raw) => parseIntegerIn(raw, 0, 600_000),
      "a whole number of milliseconds from 0 to 600000",
    ),
  };
  if (config.databaseReadUrls.length > 0 && config.databaseUrl === undefined)
    problems.push(
      "DATABASE_READ_URL needs DATABASE_URL: read replicas follow an external primary, not the embedded database",
    );
  if (config.demoData === "generated") {
    // The demonstration data is made-up people: never in production, never in a database of record.
    if (environment === "production")
      problems.push(
        "DEMO_DATA=generated loads fictitious people and memberships; it is refused with NODE_ENV=production",
      );
    if (config.databaseUrl !== undefined)
      problems.push(
        "DEMO_DATA=generated is for the embedded database only; to add the generated data set to the database at DATABASE_URL, run `npm run db:generate` deliberately",
      );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function parseEnvironment(raw: string): Config["environment"] | undefined {
  return raw === "development" || raw === "production" || raw === "test" ? raw : undefined;
}

function parseOrigins(raw: string): readonly string[] | undefined {
  if (raw.trim() === "") return [];
  const origins = raw.split(",").map((origin) => origin.trim());
  return origins.every((origin) => origin === "*" || /^https?:\/\/[^/\s]+$/.test(origin)) ? origins : undefined;
}

function parseOperationNames(raw: string): readonly string[] | undefined {
  const names = raw
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  return names.every((name) => /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) ? names : undefined;
}

function parseBoolean(raw: string): boolean | undefined {
  const value = raw.toLowerCase();
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  return undefined;
}

const PROXY_SUBNET_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function parseTrustProxy(raw: string): TrustProxy | undefined {
  if (["false", "0", "no", "off", "none"].includes(raw.toLowerCase())) return false;
  if (/^\d+$/.test(raw)) return parseIntegerIn(raw, 1, 10);
  const entries = raw.split(",").map((entry) => entry.trim());
  return entries.length > 0 && entries.every(isProxyAddress) ? entries : undefined;
}

/** An IP address, a subnet in CIDR form, or one of Express's names for the private ranges. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_SUBNET_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = parseIntegerIn(prefix, 0, version === 4 ? 32 : 128);
  return bits !== undefined;
}

function parseIntegerIn(raw: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= min && value <= max ? value : undefined;
}

function parsePort(raw: string, allowZero: boolean): number | undefined {
  return parseIntegerIn(raw, allowZero ? 0 : 1, 65535);
}

function parseIdentifier(raw: string): string | undefined {
  return /^[a-z_][a-z0-9_]{0,62}$/i.test(raw) ? raw : undefined;
}

function parseDatabaseUrls(raw: string): readonly string[] | undefined {
  const urls = raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
  if (urls.length === 0 || urls.length > 16) return undefined;
  const parsed = urls.map(parseDatabaseUrl);
  return parsed.every((url) => url !== undefined) ? parsed : undefined;
}

function tracingEndpoint(endpoint: string | undefined, disabled: boolean): string | undefined {
  return disabled ? undefined : endpoint;
}

function parseHttpUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname ? raw.replace(/\/$/, "") : undefined;
  } catch {
    return undefined;
  }
}

function parseDatabaseUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    if (url.protocol !== "postgresql:" && url.protocol !== "postgres:") return undefined;
    if (!url.hostname && !url.searchParams.get("host")) return undefined;
    return raw;
  } catch {
    return undefined;
  }
}
