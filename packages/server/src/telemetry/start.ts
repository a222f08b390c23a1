/**
 * Whether to trace, decided once from the standard OpenTelemetry environment variables: on when an
 * OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or a traces
 * exporter (`OTEL_TRACES_EXPORTER`, other than `none`) is set and `OTEL_SDK_DISABLED` is not
 * `true`. Off, the SDK is never imported: the server pays nothing for it (issue #28 item 2).
 * @packageDocumentation
 */
import type { Tracing } from './tracing.js';

/** True when `env` asks for traces (see the module comment). */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  if (exporter === 'none') return false;
  return !!(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || exporter);
}

/** The process's tracing, started once: the SDK registers process-wide (tracer provider, context, propagators). */
let started: Promise<Tracing> | undefined;

/**
 * The process's tracing when `env` asks for it ({@link tracingWanted}), else undefined. The first
 * call that wants it loads and starts the OpenTelemetry SDK (sdk.ts), configured by the `OTEL_*`
 * variables of the process's environment; later calls share it.
 * @throws Error when the SDK can't be loaded or started.
 */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  if (!tracingWanted(env)) return undefined;
  started ??= import('./sdk.js').then((sdk) => sdk.startSdk());
  return started;
}
