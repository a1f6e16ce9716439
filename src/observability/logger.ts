import pino, { type Logger } from "pino";
import type { Config, LogLevel } from "../config";

export type { Logger };

/**
 * Structured JSON logs (one object a line) in production and tests; readable lines in
 * development. Request logs carry ids, names, durations and counts only: never variables,
 * headers or response data, which may hold personal data or secrets. With tracing on, a line
 * written inside a request carries its `trace_id` and `span_id`.
 */
export function createLogger(
  environment: Config["environment"],
  level: LogLevel,
  /** Fields added to every line, e.g. the active span's `trace_id` and `span_id` when tracing is on. */
  mixin?: () => object,
): Logger {
  return pino({
    level,
    ...(mixin ? { mixin } : {}),
    base: { service: "kunskapsgraf" },
    redact: { paths: ["req.headers.authorization", "*.authorization", "*.password"], censor: "[redacted]" },
    ...(environment === "development"
      ? {
          transport: {
            target: "pino-pretty",
            options: { translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service" },
          },
        }
      : {}),
  });
}
