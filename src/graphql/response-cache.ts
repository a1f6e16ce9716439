import { createHash } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type express from "express";
import type { Logger } from "pino";
import type { Caller } from "../access/caller";
import { readVisibility } from "../access/authorize";
import type { DataVersion } from "../db/data-version";
import type { Metrics } from "../observability/metrics";
import type { SqlStatementCounter } from "../db/sql-statement-counter";
import { ByteLru, type Sized } from "./byte-lru";
import { isoDay, today } from "./period";

/**
 * Request bodies larger than this are not looked up: building their key costs more than a hit
 * saves, and large bodies are syncs (mutations) anyway.
 */
export const MAX_CACHEABLE_REQUEST_BYTES = 64 * 1024;

/** What an entry costs beyond its body and key: the map slot, the objects, the header strings. */
const ENTRY_OVERHEAD_BYTES = 256;

/** One cached answer: the exact bytes Apollo Server sent, and what the request log needs. */
interface CachedAnswer extends Sized {
  readonly body: Buffer;
  readonly contentType: string;
  readonly operationName: string | null;
}

/**
 * A request looked up and missed: where its answer goes if it may be kept. `version` and `day`
 * are those known before execution began; the answer is kept only if both are still current
 * when it has been sent, so a write that commits during execution is never hidden.
 */
export interface CacheSlot {
  readonly key: string;
  readonly version: number;
  readonly day: string;
  /** Set by the plugin when the answer is one that may be kept (a query answered without errors). */
  answer?: { body: string; operationName: string | null };
}

/** The part of a request's context the cache reads. */
export interface CacheAware {
  responseCacheSlot?: CacheSlot;
}

export interface ResponseCacheOptions {
  dataVersion: DataVersion;
  maxBytes: number;
  metrics: Metrics;
  logger: Logger;
  /** Add `extensions.sqlStatements` to hits too, as the server does for executed requests. */
  exposeSqlStatementCount: boolean;
}

/**
 * Answers to queries, kept for one data version. The key is everything an answer depends on: the
 * request body (document or persisted-query hash, operation name, variables, extensions) in a
 * canonical form, what the caller's scopes let it see (`readVisibility`), the day "today" is
 * (`today()`, which every default `activeOn` uses), and the `Accept` header (which decides the
 * content type). An answer is stored under the data version known before its execution began and
 * served only while that version is current, and every committed write advances it (see
 * src/db/data-version.ts), so a hit is never older than the last write this process has heard
 * of. Only queries answered without errors are kept. A hit does no SQL and does not reach Apollo
 * Server: authentication and the rate limit run first, as for any request, and the answer's
 * `extensions.cost` is the one computed when it was executed (it depends only on the document
 * and the variables).
 */
export class ResponseCache {
  private readonly answers: ByteLru<CachedAnswer>;

  constructor(private readonly options: ResponseCacheOptions) {
    this.answers = new ByteLru<CachedAnswer>(options.maxBytes, () => options.metrics.responseCacheEvictions.inc());
    // Every answer kept was computed under an older version: none can be served again.
    options.dataVersion.onAdvance(() => {
      this.answers.clear();
      this.reportSize();
    });
  }

  /**
   * Express middleware before Apollo Server: answers hits, and gives misses a slot (in
   * `res.locals.responseCacheSlot`) for the context. `admit` authenticates and rate-limits the
   * request (once: the context reuses its outcome) and gives the caller, or undefined when the
   * request is refused, which Apollo Server then answers as usual.
   */
  middleware(admit: (req: express.Request, res: express.Response) => Promise<Caller | undefined>): express.Handler {
    return async (req, res, next) => {
      const started = process.hrtime.bigint();
      const { dataVersion, metrics } = this.options;
      const requestKey = cacheableRequest(req);
      if (requestKey === undefined || !dataVersion.following) {
        this.bypass(res);
        next();
        return;
      }
      const caller = await admit(req, res);
      if (!caller) {
        this.bypass(res);
        next();
        return;
      }
      const day = isoDay(today());
      const key = createHash("sha256")
        .update(JSON.stringify([requestKey, readVisibility(caller), day, req.header("accept") ?? ""]))
        .digest("base64");
      const version = dataVersion.current;
      // Checked again: authentication and the rate limit may have waited on Redis or the database.
      if (!dataVersion.following) {
        this.bypass(res);
        next();
        return;
      }
      const answer = this.answers.get(key);
      if (answer) {
        metrics.responseCacheLookups.inc({ result: "hit" });
        this.sendHit(res, answer, caller, started);
        return;
      }
      metrics.responseCacheLookups.inc({ result: "miss" });
      res.setHeader("x-cache", "miss");
      const slot: CacheSlot = { key, version, day };
      res.locals.responseCacheSlot = slot;
      res.on("finish", () => {
        if (slot.answer && res.statusCode === 200) this.keep(slot, String(res.getHeader("content-type") ?? ""));
      });
      next();
    };
  }

  /**
   * Marks answers that may be kept, and advances the data version when this process has run a
   * mutation: the notification of its commit comes later, and a read right after the mutation
   * must not get an answer from before it.
   */
  plugin<Context extends CacheAware>(): ApolloServerPlugin<Context> {
    const { dataVersion } = this.options;
    return {
      async requestDidStart() {
        return {
          async willSendResponse({ operation, operationName, response, contextValue }) {
            // The hook's type says an operation is always there; it is not when none could be chosen.
            const kind = (operation as typeof operation | undefined)?.operation;
            if (kind === "mutation") dataVersion.advance();
            const slot = contextValue.responseCacheSlot;
            if (!slot || kind !== "query" || response.body.kind !== "single") return;
            const result = response.body.singleResult;
            if ((result.errors?.length ?? 0) > 0 || (response.http.status ?? 200) !== 200) return;
            // As Apollo Server writes it (data, then extensions); the later plugins' additions are per request.
            slot.answer = {
              body: `${JSON.stringify({ data: result.data, extensions: result.extensions })}\n`,
              operationName: operationName ?? null,
            };
          },
        };
      },
    };
  }

  private keep(slot: CacheSlot, contentType: string): void {
    const { dataVersion } = this.options;
    const answer = slot.answer;
    if (!answer || !dataVersion.following || dataVersion.current !== slot.version || isoDay(today()) !== slot.day)
      return;
    const body = Buffer.from(answer.body);
    this.answers.set(slot.key, {
      body,
      contentType,
      operationName: answer.operationName,
      bytes: body.length + slot.key.length + contentType.length + ENTRY_OVERHEAD_BYTES,
    });
    this.reportSize();
  }

  private sendHit(res: express.Response, answer: CachedAnswer, caller: Caller, started: bigint): void {
    const { metrics, logger, exposeSqlStatementCount } = this.options;
    // Authenticating a key is a statement; an anonymous hit has none.
    const statements = (res.locals.sqlStatements as SqlStatementCounter).count;
    let body = answer.body;
    if (exposeSqlStatementCount) {
      const result = JSON.parse(body.toString()) as { data: unknown; extensions?: Record<string, unknown> };
      body = Buffer.from(
        `${JSON.stringify({ ...result, extensions: { ...result.extensions, sqlStatements: statements } })}\n`,
      );
    }
    res.status(200);
    res.setHeader("content-type", answer.contentType);
    res.setHeader("content-length", body.length);
    res.setHeader("x-cache", "hit");
    res.end(body);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const operation = metrics.operationLabel(answer.operationName, caller.keyId !== null);
    metrics.requests.inc({ operation, outcome: "ok" });
    metrics.duration.observe({ operation }, seconds);
    metrics.sqlStatements.observe({ operation }, statements);
    logger.info(
      {
        requestId: res.locals.requestId as string,
        caller: caller.name,
        operationName: answer.operationName,
        durationMs: Math.round(seconds * 1000),
        sqlStatements: statements,
        errorCodes: [],
        cache: "hit",
      },
      "graphql request",
    );
  }

  private bypass(res: express.Response): void {
    this.options.metrics.responseCacheLookups.inc({ result: "bypass" });
    res.setHeader("x-cache", "bypass");
  }

  private reportSize(): void {
    this.options.metrics.responseCacheBytes.set(this.answers.bytes);
    this.options.metrics.responseCacheEntries.set(this.answers.size);
  }
}

/**
 * The request body in canonical form (object keys sorted), when the request can be answered from
 * the cache: a POST of a JSON object no larger than MAX_CACHEABLE_REQUEST_BYTES. Apollo Server's
 * CSRF prevention lets such a request through, so serving it without Apollo Server changes nothing.
 */
function cacheableRequest(req: express.Request): string | undefined {
  if (req.method !== "POST" || !req.is("application/json")) return undefined;
  const length = Number(req.header("content-length"));
  if (!(length <= MAX_CACHEABLE_REQUEST_BYTES)) return undefined;
  const body: unknown = req.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  return canonicalJson(body);
}

/** JSON with every object's keys in sorted order, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
