/**
 * What the server asks of tracing. The OpenTelemetry SDK behind it (./tracing-sdk.ts) is loaded
 * only when an OTLP endpoint is configured; without one nothing of OpenTelemetry is loaded and the
 * server takes none of these paths (`Tracing` is undefined), so tracing off costs nothing.
 *
 * The spans of one GraphQL request:
 *
 *     POST /graphql                     HTTP server span (@opentelemetry/instrumentation-http)
 *     └─ query Chain                    the GraphQL operation, its type and name
 *        ├─ graphql.parse
 *        ├─ graphql.validate
 *        ├─ graphql.execute
 *        │  └─ dataloader.batch groupBySlug          one per DataLoader batch, with its number of keys
 *        │     └─ pg.query:group_by_slug_0 …         one per SQL statement (@opentelemetry/instrumentation-pg)
 *        └─ pg.query:… / prisma:client:operation     statements outside batches (API keys, lists, writes)
 *
 * Never one span per field.
 */
export interface Tracing {
  /**
   * Starts the span of one GraphQL request as a child of the active one (the HTTP server span,
   * which is named after the route, e.g. `POST /graphql`); `run` makes it the active span of
   * everything the request does.
   */
  startRequest(requestId: string, method: string): RequestTrace;
  /** `trace_id` and `span_id` of the active span for a log line, or nothing outside a span. */
  logFields(): { trace_id?: string; span_id?: string };
  /** Exports the spans not yet sent and stops; called on shutdown. A failed export is logged, not thrown. */
  shutdown(): Promise<void>;
}

/** The GraphQL phases timed as spans of their own. */
export type GraphQLPhase = "parse" | "validate" | "execute";

/** The span of one GraphQL request and its children. */
export interface RequestTrace {
  /** The trace's id (32 hex digits), quoted in error extensions beside the request id. */
  readonly traceId: string;
  /** Runs `work` with the request's span active: what it starts (SQL, Prisma calls) becomes its child. */
  run<T>(work: () => T): T;
  /** Names the span after the operation once it is known, e.g. `query Chain`. */
  nameOperation(type: string | undefined, name: string | undefined): void;
  /** Starts the span of a phase; the returned function ends it, as failed when given an error. */
  startPhase(phase: GraphQLPhase): (error?: unknown) => void;
  /**
   * Runs one DataLoader batch in a span (a child of the execute phase, else of the request), with
   * its statements as the span's children.
   */
  batch<T>(loaderName: string | null, size: number, work: () => Promise<T>): Promise<T>;
  /** Ends the span (once), as failed when the answer carries errors. */
  end(errorCodes?: readonly string[]): void;
}
