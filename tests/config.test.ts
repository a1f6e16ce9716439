import { ConfigError, loadConfig } from "../src/config";

describe("configuration", () => {
  it("has working defaults: embedded database under ./data/pg, port 4000", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      databaseUrl: undefined,
      migrateOnStart: true,
      seedOnStart: true,
      introspection: true,
    });
    expect(config.embeddedDatabase.dataDir).toMatch(/data\/pg$/);
  });

  it("takes an external PostgreSQL from DATABASE_URL", () => {
    expect(loadConfig({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/kunskapsgraf" }).databaseUrl).toBe(
      "postgresql://postgres@127.0.0.1:5432/kunskapsgraf",
    );
  });

  it("names every bad value in one readable message", () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_URL: "mysql://localhost/x",
        PORT: "http",
        SEED_ON_START: "maybe",
        SHUTDOWN_GRACE_MS: "soon",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('DATABASE_URL="mysql://localhost/x" is not a PostgreSQL URL');
    expect(message).toContain('PORT="http" is not a port number');
    expect(message).toContain('SEED_ON_START="maybe" is not true or false');
    expect(message).toContain('SHUTDOWN_GRACE_MS="soon" is not a whole number of milliseconds');
  });

  it("bounds the waits on the database: a pool connection and each statement, with defaults, and refuses nonsense", () => {
    expect(loadConfig({})).toMatchObject({ databaseConnectTimeoutMs: 5_000, databaseStatementTimeoutMs: 30_000 });
    expect(loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: "1500", DATABASE_STATEMENT_TIMEOUT_MS: "60000" })).toMatchObject({
      databaseConnectTimeoutMs: 1_500,
      databaseStatementTimeoutMs: 60_000,
    });
    let error: unknown;
    try {
      loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: "0", DATABASE_STATEMENT_TIMEOUT_MS: "forever" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'DATABASE_CONNECT_TIMEOUT_MS="0" is not milliseconds from 100 to 600000',
      'DATABASE_STATEMENT_TIMEOUT_MS="forever" is not milliseconds from 100 to 3600000',
    ]);
  });
});

describe("response cache settings", () => {
  it("is on with 64 MiB by default, and can be switched off or sized", () => {
    expect(loadConfig({}).responseCache).toEqual({ enabled: true, maxBytes: 64 * 1024 * 1024 });
    expect(loadConfig({ RESPONSE_CACHE: "off", RESPONSE_CACHE_MAX_BYTES: "1048576" }).responseCache).toEqual({
      enabled: false,
      maxBytes: 1_048_576,
    });
    expect(loadConfig({ RESPONSE_CACHE: "on" }).responseCache.enabled).toBe(true);
  });

  it("refuses values it cannot use, naming them", () => {
    let error: unknown;
    try {
      loadConfig({ RESPONSE_CACHE: "sometimes", RESPONSE_CACHE_MAX_BYTES: "64MB" });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toEqual([
      'RESPONSE_CACHE="sometimes" is not on or off',
      'RESPONSE_CACHE_MAX_BYTES="64MB" is not a whole number of bytes from 65536 to 68719476736',
    ]);
    expect(() => loadConfig({ RESPONSE_CACHE_MAX_BYTES: "1000" })).toThrow(ConfigError);
  });

  it("takes DEMO_DATA=generated only for the embedded database and never in production", () => {
    expect(loadConfig({}).demoData).toBe("none");
    expect(loadConfig({ DEMO_DATA: "generated" }).demoData).toBe("generated");
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ DEMO_DATA: "yes" })).toEqual(['DEMO_DATA="yes" is not none or generated']);
    expect(problems({ DEMO_DATA: "generated", NODE_ENV: "production" })).toEqual([
      "DEMO_DATA=generated loads fictitious people and memberships; it is refused with NODE_ENV=production",
    ]);
    expect(problems({ DEMO_DATA: "generated", DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/kg" })).toEqual([
      "DEMO_DATA=generated is for the embedded database only; to add the generated data set to the database at DATABASE_URL, run `npm run db:generate` deliberately",
    ]);
  });
});

describe("cost budgets, persisted queries and trusted documents", () => {
  it("has defaults for each, and takes them from the environment", () => {
    const defaults = loadConfig({});
    expect(defaults.rateLimit).toMatchObject({ keyCost: 2_000_000, anonymousCost: 500_000 });
    expect(defaults.persistedQueries).toEqual({ enabled: true, maxBytes: 8 * 1024 * 1024, ttlSeconds: 86_400 });
    expect(defaults.trustedDocuments.mode).toBe("off");
    expect(defaults.trustedDocuments.file).toMatch(/\/persisted-documents\.json$/);
    const given = loadConfig({
      RATE_LIMIT_KEY_COST: "5000",
      RATE_LIMIT_ANONYMOUS_COST: "1000",
      PERSISTED_QUERIES: "off",
      PERSISTED_QUERIES_MAX_BYTES: "1048576",
      PERSISTED_QUERIES_TTL_SECONDS: "60",
      TRUSTED_DOCUMENTS: "require",
      TRUSTED_DOCUMENTS_FILE: "/etc/kunskapsgraf/documents.json",
    });
    expect(given.rateLimit).toMatchObject({ keyCost: 5_000, anonymousCost: 1_000 });
    expect(given.persistedQueries).toEqual({ enabled: false, maxBytes: 1_048_576, ttlSeconds: 60 });
    expect(given.trustedDocuments).toEqual({ mode: "require", file: "/etc/kunskapsgraf/documents.json" });
  });

  it("refuses values it cannot use, naming them", () => {
    let error: unknown;
    try {
      loadConfig({
        RATE_LIMIT_KEY_COST: "0",
        RATE_LIMIT_ANONYMOUS_COST: "lots",
        PERSISTED_QUERIES: "maybe",
        PERSISTED_QUERIES_MAX_BYTES: "1024",
        TRUSTED_DOCUMENTS: "only",
      });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toEqual([
      'RATE_LIMIT_KEY_COST="0" is not a whole number from 1 to 1000000000',
      'RATE_LIMIT_ANONYMOUS_COST="lots" is not a whole number from 1 to 1000000000',
      'PERSISTED_QUERIES="maybe" is not on or off',
      'PERSISTED_QUERIES_MAX_BYTES="1024" is not a whole number of bytes from 65536 to 17179869184',
      'TRUSTED_DOCUMENTS="only" is not off, allow or require',
    ]);
  });
});

describe("tracing settings", () => {
  it("is off without an endpoint, and with OTEL_SDK_DISABLED=true whatever the endpoint", () => {
    expect(loadConfig({}).tracing).toEqual({ endpoint: undefined, serviceName: "kunskapsgraf" });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/", OTEL_SERVICE_NAME: "kunskapsgraf-test" })
        .tracing,
    ).toEqual({ endpoint: "http://collector:4318", serviceName: "kunskapsgraf-test" });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example.se", OTEL_SDK_DISABLED: "true" }).tracing
        .endpoint,
    ).toBeUndefined();
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example.se", OTEL_SDK_DISABLED: "false" }).tracing
        .endpoint,
    ).toBe("https://collector.example.se");
  });

  it("refuses an endpoint that is not an http(s) URL, and a switch that is not a boolean", () => {
    let error: unknown;
    try {
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4317",
        OTEL_SDK_DISABLED: "maybe",
        OTEL_SERVICE_NAME: "a b",
      });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT="collector:4317" is not an http(s) URL such as http://127.0.0.1:4318',
      'OTEL_SDK_DISABLED="maybe" is not true or false',
      'OTEL_SERVICE_NAME="a b" is not a name of printable characters without spaces',
    ]);
  });
});
