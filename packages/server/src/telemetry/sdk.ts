/**
 * Tracing on the OpenTelemetry SDK (issue #28 item 2), loaded only when start.ts finds the
 * `OTEL_*` variables asking for it. The SDK (`@opentelemetry/sdk-node`) reads every setting from
 * the standard variables (exporter and protocol, endpoint, headers, sampler, propagators — W3C
 * `traceparent` by default —, resource); this module adds the spans Gatehouse makes:
 * - a span per request from `@fastify/otel`, named `METHOD route`, with HTTP semantic conventions;
 *   `url.path` without its query (a query may carry an authorization `code`: N-125);
 * - a child span per step of the token endpoint ({@link Steps}) and per store query, made from
 *   Kysely's query log for SQLite and PostgreSQL alike: placeholders only, never parameters.
 * Metrics and logs stay with Prometheus and pino: the SDK exports traces only. The packages are
 * imported dynamically here too: the CLI bundle inlines this module, and a static import would
 * load the SDK on every start, traced or not.
 * @packageDocumentation
 */
import type * as Api from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';
import type { FastifyPluginCallback } from 'fastify';
import type { StepAttributes, Steps, Tracing } from './tracing.js';

/** The instrumentation scope of the spans Gatehouse makes itself. */
const SCOPE = 'gatehouse';
/** Longest `db.query.text` recorded, in characters (an `in (…)` list can be long). */
const MAX_QUERY_TEXT = 2048;
/** The log mixin's fields outside a trace. */
const NO_FIELDS: Record<string, string> = Object.freeze({});

/**
 * Starts the SDK (process-wide) and returns the server's {@link Tracing} on it.
 * @throws Error when the SDK refuses its configuration.
 */
export async function startSdk(env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  const [api, { NodeSDK }, { FastifyOtelInstrumentation }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-node'),
    import('@fastify/otel'),
  ]);
  const { context, trace } = api;
  const fastifyOtel = new FastifyOtelInstrumentation({
    // One span per request and one for its handler; hook spans would triple the count for nothing.
    instrumentHooks: false,
    requestHook: nameRequestSpan,
  });
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || 'gatehouse',
    instrumentations: [fastifyOtel],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const tracer = trace.getTracer(SCOPE);
  return {
    steps: tracedSteps(api, tracer),
    fastifyPlugin: fastifyOtel.plugin() as FastifyPluginCallback,
    logMixin: (): Record<string, string> => {
      const span = trace.getSpan(context.active());
      if (!span) return NO_FIELDS;
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    onQuery: (dialect, sql, durationMs, failed) =>
      querySpan(api, tracer, dialect === 'postgres' ? 'postgresql' : 'sqlite', sql, durationMs, failed),
    flush: () => flushProvider(api),
  };
}

/** Names the request span `METHOD route` (HTTP semantic conventions) and drops the query from `url.path`. */
function nameRequestSpan(span: Span, request: { method: string; url: string; routeOptions: { url?: string } }): void {
  const route = request.routeOptions.url;
  span.updateName(route ? `${request.method} ${route}` : request.method);
  span.setAttributes({ 'url.path': request.url.split('?')[0]!, 'url.scheme': 'http' });
}

/** Steps as child spans of the active span. */
function tracedSteps({ SpanStatusCode }: typeof Api, tracer: Tracer): Steps {
  return {
    run: (name, fn, attributes?: StepAttributes) =>
      tracer.startActiveSpan(name, { attributes: attributes ?? {} }, async (span) => {
        try {
          return await fn();
        } catch (err) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name });
          throw err;
        } finally {
          span.end();
        }
      }),
  };
}

/** A span for one store query that ended now, under the active span; none outside a trace (background work). */
function querySpan(
  { context, trace, SpanKind, SpanStatusCode }: typeof Api,
  tracer: Tracer,
  system: string,
  sql: string,
  durationMs: number,
  failed: boolean,
): void {
  const parent = context.active();
  if (!trace.getSpan(parent)) return;
  const end = performance.timeOrigin + performance.now();
  const operation = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? 'query';
  const span = tracer.startSpan(
    operation,
    {
      kind: SpanKind.CLIENT,
      startTime: end - durationMs,
      attributes: {
        'db.system.name': system,
        'db.operation.name': operation,
        'db.query.text': sql.length > MAX_QUERY_TEXT ? sql.slice(0, MAX_QUERY_TEXT) : sql,
      },
    },
    parent,
  );
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(end);
}

/** Exports the ended spans of the registered provider. */
async function flushProvider({ trace }: typeof Api): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
  const delegate = (provider.getDelegate?.() ?? provider) as { forceFlush?: () => Promise<void> };
  await delegate.forceFlush?.();
}
