/**
 * Space-separated scope strings (RFC 6749 §3.3).
 * @packageDocumentation
 * @internal
 */

/** Splits a space-separated scope string into its distinct scopes; `undefined` gives `[]`. */
export function splitScope(scope: string | undefined): string[] {
  return scope === undefined ? [] : [...new Set(scope.split(' ').filter((s) => s !== ''))];
}

/** Sorted, de-duplicated, single-space-separated form of a scope string or list. */
export function normalizeScope(scope: string | readonly string[]): string {
  const list = typeof scope === 'string' ? splitScope(scope) : [...new Set(scope)];
  return list.sort().join(' ');
}
