/**
 * The pure parts of the Webhooks tab: the event filter grammar (the audit list filter's, plus `*`;
 * see the webhooks design, "Event filters"), the suggested patterns, the grace periods a rotation
 * offers, and which form field a server's 400 answer is about.
 * @packageDocumentation
 */
import { ApiRequestError } from '../api/client';

/** Patterns offered while typing a filter (any other valid pattern may be typed). */
export const EVENT_SUGGESTIONS = ['*', 'integration.*', 'member.*', 'api.*', 'token.*'] as const;

/** Most patterns of one endpoint (the server refuses more). */
export const MAX_EVENT_PATTERNS = 20;

/** Most endpoints of one environment (the server answers 409 beyond). */
export const MAX_ENDPOINTS = 10;

/** One pattern: `*`, an exact action (`integration.update`) or a family (`integration.*`). */
const PATTERN = /^(\*|[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40}){0,3}(\.\*)?)$/;

/**
 * What is wrong with a list of patterns, as a sentence for the form field; undefined when the
 * server would take it (1 to {@link MAX_EVENT_PATTERNS} distinct valid patterns).
 */
export function eventPatternsProblem(events: readonly string[]): string | undefined {
  if (events.length === 0) return 'Add at least one pattern (* for every event)';
  if (events.length > MAX_EVENT_PATTERNS) return `At most ${MAX_EVENT_PATTERNS} patterns`;
  const bad = events.find((e) => !PATTERN.test(e));
  if (bad !== undefined)
    return `"${bad.slice(0, 60)}" is not a pattern: use *, an action such as integration.update, or a family such as member.*`;
  if (new Set(events).size !== events.length) return 'A pattern is given twice';
  return undefined;
}

/** The grace periods a rotation offers, seconds as strings (a `Select`'s values); 1 day is the server's default. */
export const GRACE_CHOICES = [
  { value: '0', label: 'None — the old secret stops now' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '1 day' },
  { value: '604800', label: '7 days' },
] as const;

/** The form fields of an endpoint a 400 answer can be about. */
export type EndpointField = 'url' | 'events';

/**
 * The field of the endpoint form a server's 400 answer is about — a schema answer
 * (`invalid body: events[2] must match pattern …`) or a rule of the service (`url must be https …`)
 * — with the sentence to show there; undefined for any other error (shown as an alert).
 */
export function endpointFieldError(err: unknown): { field: EndpointField; message: string } | undefined {
  if (!(err instanceof ApiRequestError) || err.status !== 400) return undefined;
  const message = err.message.replace(/^invalid body: /, '');
  const m = /^(url|events)\b/.exec(message);
  return m ? { field: m[1] as EndpointField, message } : undefined;
}
