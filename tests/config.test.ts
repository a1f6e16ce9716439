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
