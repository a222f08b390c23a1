/**
 * OpenTelemetry is off unless the standard variables ask for it (issue #28 item 2): off, the SDK is
 * never loaded and the server holds no tracing at all.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { startTracing, tracingWanted } from '../../src/telemetry/start.js';

describe('tracingWanted', () => {
  it('is on with an OTLP endpoint or a traces exporter, off without them, with none, or with the SDK disabled', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_SERVICE_NAME: 'gatehouse', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(tracingWanted({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(false);
    expect(tracingWanted({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(false);
  });

  it('off, nothing is started and no OpenTelemetry module is loaded', async () => {
    expect(await startTracing({})).toBeUndefined();
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((m) => m.includes('@opentelemetry/sdk'));
    expect(loaded).toEqual([]);
  });
});
