// Preloaded (`node --require`) into a child server by tests/tracing.test.ts: answers any IPC
// message with the files the process has loaded so far and what is registered with the
// OpenTelemetry API (tracer provider, context manager, propagator), so a test can tell what a
// configuration loads.
process.on("message", () => {
  const registered = globalThis[Symbol.for("opentelemetry.js.api.1")] ?? {};
  process.send?.({ loaded: Object.keys(require.cache), registered: Object.keys(registered) });
});
