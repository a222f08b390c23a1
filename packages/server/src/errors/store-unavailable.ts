/**
 * Tells a store outage (answered 503) from a bug (answered 500).
 * @packageDocumentation
 */

const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);
// SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57 operator intervention, 58 system error.
const PG_CLASSES = new Set(['08', '53', '57', '58']);

/**
 * True when `err` says the database can't be reached or can't serve now (connection refused or
 * lost, pool timeout, server shutting down, SQLite busy or I/O error).
 */
export function isStoreUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (NET_CODES.has(code)) return true;
  if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|PROTOCOL|READONLY)/.test(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code) && PG_CLASSES.has(code.slice(0, 2))) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|driver has already been destroyed|database connection is not open/i.test(
      message,
    )
  )
    return true;
  if (Array.isArray(e.errors) && e.errors.some(isStoreUnavailable)) return true;
  return e.cause !== undefined && e.cause !== err && isStoreUnavailable(e.cause);
}
