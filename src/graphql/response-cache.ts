import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import type http from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import type express from "express";
import type { Logger } from "pino";
import type { Caller } from "../access/caller";
import { rateLimitHeaders, type RateLimitState } from "../access/rate-limit";
import { readVisibility } from "../access/authorize";
import type { DataVersion } from "../db/data-version";
import type { Metrics } from "../observability/metrics";
import type { SqlStatementCounter } from "../db/sql-statement-counter";
import { ByteLru, type Sized } from "./byte-lru";
import { isoDay, today } from "./period";
import { requestIdOf } from "../observability/request-id";

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
  /** The query cost computed when it was executed: a hit spends it from the caller's budget. */
  readonly cost: number;
  /** The primary's WAL position whose writes it is known to reflect, with read replicas (see `Freshness`). */
  readonly covered: bigint | undefined;
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
  /** `Freshness.covered()` when the request was looked up, before it executed. */
  readonly covered: bigint | undefined;
  /** Set by the plugin when the answer is one that may be kept (a query answered without errors). */
  answer?: { body: string; operationName: string | null; cost: number };
}

/** The part of a request's context the cache reads. */
export interface CacheAware {
  responseCacheSlot?: CacheSlot;
  /** The operation's cost (see src/graphql/limits.ts). */
  cost?: number;
  /** The answer holds state of this one request: not kept. */
  uncacheable?: boolean;
}

/**
 * Read-your-writes on hits, with read replicas. A write through another API process empties this
 * process's cache only when its notification arrives, milliseconds later; a caller that wrote is
 * not answered from the cache in between. Each answer carries the primary's WAL position up to
 * which it is known to reflect every write (`covered`, the position read at the probe that marked
 * the data version it was executed under), and a caller whose required position (its last write:
 * the `x-kg-min-lsn` header or its key's memory) lies beyond it is executed instead, where the
 * read routing sends it to a server that has the write.
 */
export interface Freshness {
  /** The position answers executed from now on are known to reflect; undefined when none is known yet. */
  covered(): bigint | undefined;
  /** The position the caller must see, or undefined when it requires none; "invalid" for a header that is not a position. */
  required(req: http.IncomingMessage, caller: Caller): Promise<bigint | "invalid" | undefined>;
}

export interface ResponseCacheOptions {
  dataVersion: DataVersion;
  maxBytes: number;
  metrics: Metrics;
  logger: Logger;
  /** Add `extensions.sqlStatements` to hits too, as the server does for executed requests. */
  exposeSqlStatementCount: boolean;
  /**
   * Spends a hit's cost from the caller's budget (the rate limit's cost budget): where it then
   * stands, or undefined when the budget cannot pay for it; the request is then executed, and
   * refused there as any other.
   */
  spend(req: express.Request, caller: Caller, cost: number): Promise<RateLimitState | undefined>;
  /** With read replicas: hits are refused to callers whose last write they may not reflect. */
  freshness?: Freshness;
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
 * and the variables); the hit spends that cost from the caller's budget. An answer holding the
 * rate-limit state (`rateLimit`) is not kept.
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
      const { key, day } = keyOf(requestKey, caller, req.header("accept"));
      const version = dataVersion.current;
      // Checked again: authentication and the rate limit may have waited on Redis or the database.
      if (!dataVersion.following) {
        this.bypass(res);
        next();
        return;
      }
      const answer = this.answers.get(key);
      if (answer && (await this.mayServe(answer, req, caller))) {
        const budget = await this.options.spend(req, caller, answer.cost);
        if (budget) {
          metrics.responseCacheLookups.inc({ result: "hit" });
          this.sendHit(res, answer, caller, budget, res.locals.requestId as string, started);
          return;
        }
        // Over the cost budget: executed, and refused there with the same answer as any request.
        this.bypass(res);
        next();
        return;
      }
      metrics.responseCacheLookups.inc({ result: "miss" });
      res.setHeader("x-cache", "miss");
      const slot: CacheSlot = { key, version, day, covered: this.options.freshness?.covered() };
      res.locals.responseCacheSlot = slot;
      res.on("finish", () => {
        if (slot.answer && res.statusCode === 200) this.keep(slot, String(res.getHeader("content-type") ?? ""));
      });
      next();
    };
  }

  /**
   * The HTTP server's handler: anonymous hits are answered here, before Express, which costs
   * about as much as the rest of a hit; everything else goes to `app`. Only requests that Express
   * would hand to the cache unchanged are taken: POST /graphql of a JSON body of known length
   * (at most MAX_CACHEABLE_REQUEST_BYTES) without a key, and without an `Origin` when CORS is on
   * (Express adds its headers). The body read here is handed on parsed, or as the error
   * `express.json` would have raised (see `earlyBodyProblem`); `admit` is the same admission the
   * Express path uses, done once.
   */
  front(
    app: express.Express,
    admit: (req: express.Request, res: express.Response) => Promise<Caller | undefined>,
    { corsEnabled, bodyLimitBytes }: { corsEnabled: boolean; bodyLimitBytes: number },
  ): http.RequestListener {
    // A body over REQUEST_BODY_LIMIT_BYTES is Express's to refuse (413).
    const maxBytes = Math.min(MAX_CACHEABLE_REQUEST_BYTES, bodyLimitBytes);
    return (req, res) => {
      const length = Number(req.headers["content-length"]);
      if (
        req.method !== "POST" ||
        req.url !== "/graphql" ||
        req.headers.authorization !== undefined ||
        req.headers["content-encoding"] !== undefined ||
        (corsEnabled && req.headers.origin !== undefined) ||
        !JSON_CONTENT_TYPE.test(req.headers["content-type"] ?? "") ||
        !(length <= maxBytes) ||
        !this.options.dataVersion.following
      ) {
        void app(req, res);
        return;
      }
      const started = process.hrtime.bigint();
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const parsed = parseJsonBody(Buffer.concat(chunks));
        if ("problem" in parsed) {
          (req as EarlyRead).earlyBodyProblem = parsed.problem;
          void app(req, res);
          return;
        }
        (req as EarlyRead).body = parsed.body;
        this.answerEarly(app, admit, req, res, parsed.body, started).catch((error: unknown) => {
          this.options.logger.error({ err: error }, "Unexpected error while answering from the response cache");
          if (res.headersSent) res.destroy();
          else void app(req, res);
        });
      });
    };
  }

  private async answerEarly(
    app: express.Express,
    admit: (req: express.Request, res: express.Response) => Promise<Caller | undefined>,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: unknown,
    started: bigint,
  ): Promise<void> {
    const { dataVersion, metrics } = this.options;
    const requestKey =
      typeof body === "object" && body !== null && !Array.isArray(body) ? canonicalJson(body) : undefined;
    if (requestKey === undefined) return void app(req, res);
    // What Express does first, so that admission reads the request as it would (the client's address behind proxies).
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    const expressReq = req as express.Request;
    const expressRes = res as express.Response;
    expressRes.locals = Object.create(null) as Record<string, unknown>;
    const caller = await admit(expressReq, expressRes);
    if (!caller) return void app(req, res);
    const { key } = keyOf(requestKey, caller, req.headers.accept);
    const answer = dataVersion.following ? this.answers.get(key) : undefined;
    // A miss is executed by the Express path, which finds the admission done and looks up again.
    if (!answer || !(await this.mayServe(answer, req, caller))) return void app(req, res);
    const budget = await this.options.spend(expressReq, caller, answer.cost);
    if (!budget) return void app(req, res);
    metrics.responseCacheLookups.inc({ result: "hit" });
    const requestId = requestIdOf(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    this.sendHit(expressRes, answer, caller, budget, requestId, started);
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
            if (!slot || kind !== "query" || response.body.kind !== "single" || contextValue.uncacheable) return;
            const result = response.body.singleResult;
            if ((result.errors?.length ?? 0) > 0 || (response.http.status ?? 200) !== 200) return;
            // As Apollo Server writes it (data, then extensions); the later plugins' additions are per request.
            slot.answer = {
              body: `${JSON.stringify({ data: result.data, extensions: result.extensions })}\n`,
              operationName: operationName ?? null,
              cost: contextValue.cost ?? 1,
            };
          },
        };
      },
    };
  }

  /** Whether `answer` reflects the caller's last write (see `Freshness`); always without read replicas. */
  private async mayServe(answer: CachedAnswer, req: http.IncomingMessage, caller: Caller): Promise<boolean> {
    const freshness = this.options.freshness;
    if (!freshness) return true;
    const required = await freshness.required(req, caller);
    if (required === undefined) return true;
    return required !== "invalid" && answer.covered !== undefined && answer.covered >= required;
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
      cost: answer.cost,
      covered: slot.covered,
      bytes: body.length + slot.key.length + contentType.length + ENTRY_OVERHEAD_BYTES,
    });
    this.reportSize();
  }

  private sendHit(
    res: express.Response,
    answer: CachedAnswer,
    caller: Caller,
    budget: RateLimitState,
    requestId: string,
    started: bigint,
  ): void {
    const { metrics, logger, exposeSqlStatementCount } = this.options;
    // Authenticating a key is a statement; an anonymous hit (answered before Express counts) has none.
    const statements = (res.locals.sqlStatements as SqlStatementCounter | undefined)?.count ?? 0;
    let body = answer.body;
    if (exposeSqlStatementCount) {
      const result = JSON.parse(body.toString()) as { data: unknown; extensions?: Record<string, unknown> };
      body = Buffer.from(
        `${JSON.stringify({ ...result, extensions: { ...result.extensions, sqlStatements: statements } })}\n`,
      );
    }
    res.statusCode = 200;
    res.setHeader("content-type", answer.contentType);
    res.setHeader("content-length", body.length);
    res.setHeader("x-cache", "hit");
    for (const [name, value] of rateLimitHeaders(budget)) res.setHeader(name, value);
    res.end(body);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const operation = metrics.operationLabel(answer.operationName, caller.keyId !== null);
    metrics.requests.inc({ operation, outcome: "ok" });
    metrics.duration.observe({ operation }, seconds);
    metrics.sqlStatements.observe({ operation }, statements);
    logger.info(
      {
        requestId,
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

/** The content types `express.json` parses without a charset question: JSON in UTF-8. */
const JSON_CONTENT_TYPE = /^application\/json\s*(?:;\s*charset="?utf-8"?\s*)?$/i;

/** A request whose body the front door read: parsed, or what `express.json` would have failed with. */
interface EarlyRead extends http.IncomingMessage {
  body?: unknown;
  earlyBodyProblem?: BodyProblem;
}

/** body-parser's error for a body it cannot parse: the server's body-problem handler answers it. */
export interface BodyProblem extends Error {
  status: number;
  type: string;
}

/**
 * Express middleware before `express.json`: a body the front door read and could not parse fails
 * the way `express.json` fails it (it skips bodies already read).
 */
export function earlyBodyProblem(): express.Handler {
  return (req, _res, next) => {
    const problem = (req as EarlyRead).earlyBodyProblem;
    if (problem) next(problem);
    else next();
  };
}

/** A JSON body as body-parser reads it (strict: an object or an array; empty is `{}`), or its error. */
function parseJsonBody(raw: Buffer): { body: unknown } | { problem: BodyProblem } {
  const fail = (type: string, message: string) => ({
    problem: Object.assign(new Error(message), { status: 400, type }),
  });
  if (!isUtf8(raw)) return fail("encoding.invalid", "The request body is not valid UTF-8");
  const text = raw.toString("utf8");
  if (text.trim() === "") return { body: {} };
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") return fail("entity.parse.failed", "The request body is not valid JSON");
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return fail("entity.parse.failed", "The request body is not valid JSON");
  }
}

/** The cache key of a request body in canonical form, asked by this caller with this Accept header. */
function keyOf(requestKey: string, caller: Caller, accept: string | undefined): { key: string; day: string } {
  const day = isoDay(today());
  const key = createHash("sha256")
    .update(JSON.stringify([requestKey, readVisibility(caller), day, accept ?? ""]))
    .digest("base64");
  return { key, day };
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
