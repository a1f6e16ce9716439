import { loadConfig, ConfigError } from "../../src/config";
import { formatLsn, parseLsn } from "../../src/db/read-replicas";

describe("WAL positions", () => {
  it("reads PostgreSQL's text form as a number and writes it back", () => {
    expect(parseLsn("0/0")).toBe(0n);
    expect(parseLsn("0/3000148")).toBe(0x3000148n);
    expect(parseLsn("16/B374D848")).toBe((0x16n << 32n) | 0xb374d848n);
    expect(parseLsn(" 16/b374d848 ")).toBe((0x16n << 32n) | 0xb374d848n);
    expect(formatLsn((0x16n << 32n) | 0xb374d848n)).toBe("16/B374D848");
    expect(formatLsn(0x3000148n)).toBe("0/3000148");
    for (const text of ["0/3000148", "16/B374D848", "FFFFFFFF/FFFFFFFF"]) expect(formatLsn(parseLsn(text)!)).toBe(text);
  });

  it("orders positions across the 32-bit boundary", () => {
    expect(parseLsn("1/0")! > parseLsn("0/FFFFFFFF")!).toBe(true);
  });

  it("refuses what is not a position", () => {
    for (const text of ["", "yesterday", "0/", "/1", "0/3000148x", "1/2/3", "123456789/0", "-1/0"])
      expect(parseLsn(text)).toBeUndefined();
  });
});

describe("read replica settings", () => {
  const primary = "postgresql://kg@primary:5432/kunskapsgraf";

  it("takes one or more replica URLs from DATABASE_READ_URL, with the lag bound and probe interval", () => {
    const config = loadConfig({
      DATABASE_URL: primary,
      DATABASE_READ_URL: "postgresql://kg@replica-1:5432/kunskapsgraf, postgresql://kg@replica-2:5432/kunskapsgraf",
      READ_REPLICA_MAX_LAG_MS: "2000",
      READ_REPLICA_PROBE_INTERVAL_MS: "250",
      DATABASE_READ_POOL_SIZE: "4",
    });
    expect(config.databaseReadUrls).toEqual([
      "postgresql://kg@replica-1:5432/kunskapsgraf",
      "postgresql://kg@replica-2:5432/kunskapsgraf",
    ]);
    expect(config.readReplicas).toEqual({ maxLagMs: 2000, probeIntervalMs: 250, poolSize: 4 });
  });

  it("has none by default", () => {
    const config = loadConfig({ DATABASE_URL: primary });
    expect(config.databaseReadUrls).toEqual([]);
    expect(config.readReplicas).toEqual({ maxLagMs: 5000, probeIntervalMs: 1000, poolSize: undefined });
  });

  it("refuses a URL that is not PostgreSQL's, and replicas without an external primary", () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ DATABASE_URL: primary, DATABASE_READ_URL: "postgresql://kg@r:5432/kg,mysql://r/kg" })).toEqual([
      expect.stringContaining("DATABASE_READ_URL="),
    ]);
    expect(problems({ DATABASE_READ_URL: "postgresql://kg@r:5432/kg" })).toEqual([
      expect.stringContaining("DATABASE_READ_URL needs DATABASE_URL"),
    ]);
    expect(problems({ DATABASE_URL: primary, READ_REPLICA_PROBE_INTERVAL_MS: "5" })).toEqual([
      expect.stringContaining("READ_REPLICA_PROBE_INTERVAL_MS"),
    ]);
  });
});
