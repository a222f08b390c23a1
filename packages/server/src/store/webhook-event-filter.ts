/**
 * Which audit actions a webhook endpoint's `events` filter takes (docs/security.md N-120…N-124,
 * issue #28): each pattern is `*`, an exact action (`integration.update`) or a family
 * (`integration.*`). Token events (`token.mint`, `token.revoke`…) are many and say little; they go
 * only to a pattern that itself starts with `token.` — `*` does not take them. `webhook.test` is
 * never matched: only "send test event" makes one, for its one endpoint. Pure: no SQL, no I/O.
 * @packageDocumentation
 */

/** One pattern of an endpoint's `events` (the audit list filter's grammar, plus `*`). */
export const WEBHOOK_EVENT_PATTERN = /^(\*|[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40}){0,3}(\.\*)?)$/;

/** The action of a test delivery, made only on request for one endpoint. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/**
 * Whether `action` goes to an endpoint whose filter is `patterns`.
 * @example matchesEventFilter(['integration.*'], 'integration.update') // true
 * @example matchesEventFilter(['*'], 'token.mint') // false: token events need a `token.` pattern
 * @example matchesEventFilter(['token.*'], 'token.mint') // true
 */
export function matchesEventFilter(patterns: readonly string[], action: string): boolean {
  if (action === WEBHOOK_TEST_EVENT) return false;
  const tokenEvent = action.startsWith('token.');
  return patterns.some((pattern) => {
    if (tokenEvent && !pattern.startsWith('token.')) return false;
    if (pattern === '*') return true;
    if (pattern.endsWith('.*')) return action.startsWith(pattern.slice(0, -1));
    return pattern === action;
  });
}

/**
 * The patterns stored in an endpoint's `events` column (a JSON array of strings); a value that is
 * not one (a hand-edited row) matches nothing rather than failing the audit write it is read for.
 */
export function parseEventFilter(stored: string): string[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}
