import {
  context,
  diag,
  DiagLogLevel,
  SpanKind,
  SpanStatusCode,
  trace,
  type DiagLogger,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_HTTP_ROUTE, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { PrismaInstrumentation } from "@prisma/instrumentation";
import type { Config } from "../config";
import type { Logger } from "./logger";
import type { GraphQLPhase, RequestTrace, Tracing } from "./tracing";

/**
 * The OpenTelemetry SDK: a tracer provider exporting over OTLP/HTTP, and the instrumentations of
 * the HTTP server, the pg driver and Prisma. Loaded by src/main.ts only when an endpoint is set,
 * before the server's modules, so that `http` and `pg` are patched before first use. The SDK's
 * own variables apply too (`OTEL_TRACES_SAMPLER`, `OTEL_BSP_SCHEDULE_DELAY`,
 * `OTEL_EXPORTER_OTLP_HEADERS` …).
 */

/** Paths that are not worth a trace: probes and scrapes, and the static GraphiQL files. */
const UNTRACED_PATHS = /^\/(?:healthz|readyz|metrics|graphiql)(?:[/?]|$)/;

const TRACER_NAME = "kunskapsgraf";
const GRAPHQL_ROUTE = "/graphql";

export function startTracing(
  settings: Config["tracing"] & { endpoint: string },
  logger: Logger,
  version?: string,
): Tracing {
  // The SDK's own problems (a collector that cannot be reached, spans dropped) as warnings in the log.
  diag.setLogger(diagnostics(logger), DiagLogLevel.WARN);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: settings.serviceName,
      ...(version === undefined ? {} : { [ATTR_SERVICE_VERSION]: version }),
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${settings.endpoint}/v1/traces` }))],
  });
  // The global provider, the W3C trace-context propagator (an incoming `traceparent` continues
  // the caller's trace) and the AsyncLocalStorage context manager.
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ""),
        // The only outgoing requests are the exporter's own.
        disableOutgoingRequestInstrumentation: true,
        // A GET carries the operation in its URL: its literals and variables may be personal data,
        // which traces, like the logs, never hold.
        redactedQueryParamsServer: ["query", "variables", "extensions"],
      }),
      // One span per statement, named after the prepared statement when it has a name. Statements
      // outside any request (the change feed's LISTEN, background work) are not traced; nor is
      // taking a connection from the pool, which `kg_db_pool_connections` shows.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      // Prisma's spans around writes (operation, transaction, compiling the query); not its span
      // around each statement, which would only wrap the pg one.
      new PrismaInstrumentation({ ignoreSpanTypes: [/^prisma:(?:client|engine):db_query$/] }),
    ],
  });
  const tracer = trace.getTracer(TRACER_NAME, version);
  return {
    startRequest(requestId, method) {
      // The HTTP server span knows no route by itself: it is named after the one it serves.
      const server = trace.getActiveSpan();
      server?.setAttribute(ATTR_HTTP_ROUTE, GRAPHQL_ROUTE);
      server?.updateName(`${method} ${GRAPHQL_ROUTE}`);
      return new SpanTree(tracer, requestId);
    },
    logFields() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    async shutdown() {
      try {
        await provider.shutdown();
      } catch (error) {
        // Traces are not worth a failed shutdown.
        logger.warn({ err: error }, "Spans could not be exported on shutdown");
      }
    },
  };
}

class SpanTree implements RequestTrace {
  readonly traceId: string;
  readonly #tracer: Tracer;
  readonly #span: Span;
  #execute: Span | undefined;
  #ended = false;

  constructor(tracer: Tracer, requestId: string) {
    this.#tracer = tracer;
    this.#span = tracer.startSpan("graphql", {
      kind: SpanKind.INTERNAL,
      attributes: { "kunskapsgraf.request_id": requestId },
    });
    this.traceId = this.#span.spanContext().traceId;
  }

  run<T>(work: () => T): T {
    return context.with(trace.setSpan(context.active(), this.#span), work);
  }

  nameOperation(type: string | undefined, name: string | undefined): void {
    if (type) this.#span.setAttribute("graphql.operation.type", type);
    if (name) this.#span.setAttribute("graphql.operation.name", name);
    this.#span.updateName([type ?? "graphql", name].filter(Boolean).join(" "));
  }

  startPhase(phase: GraphQLPhase): (error?: unknown) => void {
    const span = this.#tracer.startSpan(`graphql.${phase}`, {}, trace.setSpan(context.active(), this.#span));
    if (phase === "execute") this.#execute = span;
    let ended = false;
    return (error) => {
      if (ended) return;
      ended = true;
      if (error !== undefined) failed(span, error);
      span.end();
    };
  }

  async batch<T>(loaderName: string | null, size: number, work: () => Promise<T>): Promise<T> {
    const parent = trace.setSpan(context.active(), this.#execute ?? this.#span);
    const span = this.#tracer.startSpan(
      loaderName ? `dataloader.batch ${loaderName}` : "dataloader.batch",
      { attributes: { "dataloader.batch.size": size, ...(loaderName ? { "dataloader.name": loaderName } : {}) } },
      parent,
    );
    try {
      return await context.with(trace.setSpan(parent, span), work);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  end(errorCodes: readonly string[] = []): void {
    if (this.#ended) return;
    this.#ended = true;
    if (errorCodes.length > 0) {
      this.#span.setAttribute("kunskapsgraf.error_codes", [...errorCodes]);
      this.#span.setStatus({ code: SpanStatusCode.ERROR, message: errorCodes.join(", ") });
    }
    this.#span.end();
  }
}

function diagnostics(logger: Logger): DiagLogger {
  const warn = (message: string, ...args: unknown[]) =>
    logger.warn(
      { details: args.map((arg) => (arg instanceof Error ? arg.message : arg)) },
      `OpenTelemetry: ${message}`,
    );
  const ignore = () => {};
  return { error: warn, warn, info: ignore, debug: ignore, verbose: ignore };
}

/** Marks a span failed; the message only (no stack), as in the logs. */
function failed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
