/**
 * pino options: JSON logs with request ids; secrets, Authorization values, cookies and tokens
 * are redacted wherever they appear in a logged object (docs/security.md F-61).
 * @packageDocumentation
 */
import type { LoggerOptions } from 'pino';

/** Paths pino censors. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.client_secret',
  '*.environment_secret',
  '*.access_token',
  '*.token',
  '*.password',
  '*.d',
  '*.k',
  'client_secret',
  'access_token',
  'token',
  'password',
];

/**
 * Logger options for a level (`info` by default). `mixin` adds fields to every line: with tracing
 * on, the active trace's `trace_id` and `span_id` (telemetry/sdk.ts); without it, none at all.
 */
export function loggerOptions(level: string, mixin?: () => Record<string, string>): LoggerOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, ...(mixin && { mixin }) };
}
