/**
 * What the server asks of tracing (issue #28 item 2). With OpenTelemetry off — the default — the
 * server holds {@link UNTRACED} and never loads the SDK (start.ts); when on, sdk.ts supplies a
 * {@link Tracing} built on the OpenTelemetry SDK. The choice is made once, at start, never per request.
 * @packageDocumentation
 */
import type { FastifyPluginCallback } from 'fastify';

/** Attribute values a step may carry (OpenTelemetry's primitive attribute values). Never a secret (N-125). */
export type StepAttributes = Readonly<Record<string, string | number | boolean>>;

/** Runs the named steps of an endpoint (the token endpoint's client authentication, grant, sign, store). */
export interface Steps {
  /**
   * Runs `fn` as the step `name`: a child span of the request's span when tracing is on, a plain
   * call when off. The span ends when `fn` settles and records a rejection as an error.
   */
  run<T>(name: string, fn: () => Promise<T>, attributes?: StepAttributes): Promise<T>;
}

/** Steps when tracing is off: `fn` is called, nothing else. */
export const UNTRACED: Steps = { run: (_name, fn) => fn() };

/** Tracing when it is on. */
export interface Tracing {
  readonly steps: Steps;
  /** The Fastify plugin making a span per request (`@fastify/otel`); registered before any route. */
  readonly fastifyPlugin: FastifyPluginCallback;
  /** pino mixin: `{trace_id, span_id}` of the active span, so every log line of a request names its trace. */
  readonly logMixin: () => Record<string, string>;
  /**
   * Records a store query on `dialect` that took `durationMs` milliseconds and ended now, as a
   * child span of the active span (none outside a traced request). `sql` holds placeholders, never
   * parameters.
   */
  readonly onQuery: (dialect: 'sqlite' | 'postgres', sql: string, durationMs: number, failed: boolean) => void;
  /** Exports the spans ended so far. */
  flush(): Promise<void>;
}
