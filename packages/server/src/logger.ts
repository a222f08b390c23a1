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

/** Logger options for a level (`info` by default). */
export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
}
