import client from "prom-client";
import type pg from "pg";

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_OPERATION_NAMES = 200;

/**
 * Prometheus metrics of one server: its own registry, so servers in one process do not mix.
 * Operation names become labels only when they are configured (`METRICS_OPERATION_NAMES`) or
 * come with an API key, at most 200 of them: anonymous callers choose their operation names
 * freely and must not be able to fill the label set.
 */
export class Metrics {
  readonly registry = new client.Registry();
  private readonly operationNames = new Set<string>();
  private readonly configuredNames: ReadonlySet<string>;

  readonly requests = new client.Counter({
    name: "kg_graphql_requests_total",
    help: "GraphQL requests by operation name and outcome (ok or error).",
    labelNames: ["operation", "outcome"] as const,
    registers: [this.registry],
  });

  readonly duration = new client.Histogram({
    name: "kg_graphql_request_duration_seconds",
    help: "Time from receiving a GraphQL request to sending its response, by operation name.",
    labelNames: ["operation"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly errors = new client.Counter({
    name: "kg_graphql_errors_total",
    help: "Errors returned to callers, by extensions.code.",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });

  readonly exportRequests = new client.Counter({
    name: "kg_export_requests_total",
    help: "CSV and JSON export requests (/export) by list and outcome (ok, or the error code).",
    labelNames: ["list", "outcome"] as const,
    registers: [this.registry],
  });

  readonly exportDuration = new client.Histogram({
    name: "kg_export_request_duration_seconds",
    help: "Time from receiving an export request to sending its response, by list.",
    labelNames: ["list"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly sqlStatements = new client.Histogram({
    name: "kg_sql_statements_per_request",
    help: "SQL statements sent to PostgreSQL per GraphQL request, by operation name.",
    labelNames: ["operation"] as const,
    buckets: [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    registers: [this.registry],
  });

  readonly batchSize = new client.Histogram({
    name: "kg_dataloader_batch_size",
    help: "Keys per DataLoader batch (one SQL statement each).",
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });

  readonly responseCacheLookups = new client.Counter({
    name: "kg_response_cache_requests_total",
    help: "GraphQL requests by what the response cache did: hit (answered from it), miss (executed, and kept if it may be), bypass (not looked up: the cache cannot vouch for its answers now, or the request cannot be cached).",
    labelNames: ["result"] as const,
    registers: [this.registry],
  });

  readonly responseCacheEvictions = new client.Counter({
    name: "kg_response_cache_evictions_total",
    help: "Cached answers dropped to stay within RESPONSE_CACHE_MAX_BYTES (not counting those dropped because the data changed).",
    registers: [this.registry],
  });

  readonly responseCacheBytes = new client.Gauge({
    name: "kg_response_cache_bytes",
    help: "Memory held by cached answers, in bytes (bodies and keys).",
    registers: [this.registry],
  });

  readonly responseCacheEntries = new client.Gauge({
    name: "kg_response_cache_entries",
    help: "Answers in the response cache.",
    registers: [this.registry],
  });

  readonly readRouting = new client.Counter({
    name: "kg_read_routing_total",
    help: "GraphQL operations by where their reads went (primary or replica) and why: replica, mutation (writes and the reads inside them), caller_position (the replicas up had not replayed the caller's last write), no_replica (none up and within READ_REPLICA_MAX_LAG_MS). Only with DATABASE_READ_URL.",
    labelNames: ["target", "reason"] as const,
    registers: [this.registry],
  });

  /** Gauges of the read replicas' state, read from `status` at each scrape. */
  observeReplicas(status: () => readonly { name: string; state: string; lagSeconds: number | null }[]): void {
    new client.Gauge({
      name: "kg_read_replica_up",
      help: "1 while a read replica takes reads (up and within READ_REPLICA_MAX_LAG_MS), else 0.",
      labelNames: ["replica"] as const,
      registers: [this.registry],
      collect() {
        for (const replica of status()) this.set({ replica: replica.name }, replica.state === "ok" ? 1 : 0);
      },
    });
    new client.Gauge({
      name: "kg_read_replica_lag_seconds",
      help: "How long a read replica has been behind a position of the primary (0 while it keeps up); absent while it is down.",
      labelNames: ["replica"] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const replica of status())
          if (replica.lagSeconds !== null) this.set({ replica: replica.name }, replica.lagSeconds);
      },
    });
  }

  constructor(pool: pg.Pool | undefined, configuredOperationNames: readonly string[] = []) {
    this.configuredNames = new Set(configuredOperationNames);
    client.collectDefaultMetrics({ register: this.registry, prefix: "kg_" });
    if (pool) {
      new client.Gauge({
        name: "kg_db_pool_connections",
        help: "Database connections of the pool: total, idle, and callers waiting for one.",
        labelNames: ["state"] as const,
        registers: [this.registry],
        collect() {
          this.set({ state: "total" }, pool.totalCount);
          this.set({ state: "idle" }, pool.idleCount);
          this.set({ state: "waiting" }, pool.waitingCount);
        },
      });
    }
  }

  /**
   * A label for an operation name: a configured name, or one sent with an API key (`fromKey`);
   * other names are "other". Names are bounded in form and number.
   */
  operationLabel(name: string | null | undefined, fromKey: boolean): string {
    if (!name) return "anonymous";
    if (!OPERATION_NAME.test(name)) return "invalid";
    if (this.configuredNames.has(name)) return name;
    if (!fromKey) return "other";
    if (!this.operationNames.has(name)) {
      if (this.operationNames.size >= MAX_OPERATION_NAMES) return "other";
      this.operationNames.add(name);
    }
    return name;
  }
}
