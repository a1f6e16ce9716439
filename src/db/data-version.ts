import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Logger } from "pino";

/** The channel the `kg_data_changed` triggers notify on every committed write (see the migration). */
export const DATA_CHANGED_CHANNEL = "kg_data_changed";

export interface DataVersionOptions {
  /** The database whose writes are followed. */
  connectionString: string;
  logger: Logger;
  /** Pause before connecting again after the listening connection was lost. @default 1000 */
  reconnectDelayMs?: number;
  /**
   * How often the listening connection is probed. A connection that stops answering (a frozen
   * server, a network that drops packets) loses notifications without an error; the probe bounds
   * how long that can go unnoticed to this interval plus `probeTimeoutMs`: about 2 s, as long as
   * /readyz takes to notice. @default 1000
   */
  probeIntervalMs?: number;
  /** @default 1000 */
  probeTimeoutMs?: number;
}

/**
 * This process's view of the data version: a counter that advances whenever a write may have
 * committed. It follows every writer through PostgreSQL (LISTEN on a connection of its own, not
 * one of the pool's), and advances at once when this process finishes a mutation, so a read
 * after a mutation never waits for the notification. While the listening connection is down the
 * version is not trustworthy (`following` is false); it advances again when listening resumes,
 * since notifications sent meanwhile were lost.
 */
export class DataVersion {
  private version = 0;
  private client: pg.Client | undefined;
  private connecting = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly probeTimer: NodeJS.Timeout;
  private readonly advanceListeners: (() => void)[] = [];
  /** The payload of this process's own probes; other processes' probes start with "probe:" too. */
  private readonly probeToken = `probe:${randomUUID()}`;
  private probeEchoed: (() => void) | undefined;
  private probing = false;

  constructor(private readonly options: DataVersionOptions) {
    this.probeTimer = setInterval(() => void this.probe(), options.probeIntervalMs ?? 1_000);
    this.probeTimer.unref();
  }

  /** The version now; an answer computed under it stays valid while it is current and `following`. */
  get current(): number {
    return this.version;
  }

  /** Whether every committed write reaches this process (the listening connection is up). */
  get following(): boolean {
    return this.client !== undefined;
  }

  /** A write may have committed: every answer computed before now is out of date. */
  advance(): void {
    this.version++;
    for (const listener of this.advanceListeners) listener();
  }

  onAdvance(listener: () => void): void {
    this.advanceListeners.push(listener);
  }

  /** Connects and listens; when the database cannot be reached, keeps trying in the background. */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.probeTimer);
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting || this.client) return;
    this.connecting = true;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      // Named, so that an operator (and a test) can find it in pg_stat_activity.
      application_name: "kunskapsgraf-data-version",
      keepAlive: true,
      query_timeout: this.options.probeTimeoutMs ?? 1_000,
      connectionTimeoutMillis: 5_000,
    });
    client.on("notification", ({ payload }) => {
      // Probes (this process's and other replicas') are not writes; the triggers send table names.
      if (payload?.startsWith("probe:")) {
        if (payload === this.probeToken) this.probeEchoed?.();
        return;
      }
      this.advance();
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${DATA_CHANGED_CHANNEL}`);
      // Behind a pooler in transaction mode LISTEN succeeds and nothing ever arrives: follow only
      // a connection whose own notification comes back.
      await this.echo(client);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      // Writes committed while nobody listened were not heard.
      this.advance();
      this.options.logger.info("following data changes (LISTEN kg_data_changed)");
    } catch (error) {
      client.removeAllListeners("end");
      client.on("error", () => {});
      await client.end().catch(() => {});
      this.options.logger.warn({ err: error }, "cannot listen for data changes; the response cache is bypassed");
      this.scheduleReconnect();
    } finally {
      this.connecting = false;
    }
  }

  private lost(client: pg.Client, error?: Error): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.advance();
    client.end().catch(() => {});
    if (this.stopped) return;
    this.options.logger.warn(
      { err: error },
      "lost the connection that listens for data changes; the response cache is bypassed",
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), this.options.reconnectDelayMs ?? 1_000);
    this.reconnectTimer.unref();
  }

  /**
   * Probes the whole path a write's notification takes: the connection, the server, and delivery
   * back to this listener. A connection that no longer answers is given up.
   */
  private async probe(): Promise<void> {
    const client = this.client;
    if (!client || this.probing) return;
    this.probing = true;
    try {
      await this.echo(client);
    } catch (error) {
      this.lost(client, error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.probing = false;
    }
  }

  /** Sends this process's probe on the channel and waits until it comes back, at most `probeTimeoutMs`. */
  private async echo(client: pg.Client): Promise<void> {
    const timeoutMs = this.options.probeTimeoutMs ?? 1_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.all([
        new Promise<void>((resolve, reject) => {
          this.probeEchoed = resolve;
          timer = setTimeout(() => reject(new Error(`no notification came back within ${timeoutMs} ms`)), timeoutMs);
        }),
        client.query(`SELECT pg_notify('${DATA_CHANGED_CHANNEL}', $1)`, [this.probeToken]),
      ]);
    } finally {
      clearTimeout(timer);
      this.probeEchoed = undefined;
    }
  }
}
