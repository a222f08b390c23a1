/**
 * An audit row as the API shows it (`@gatehouse/contracts` `AuditEvent`): one mapping for the audit
 * list (services/audit.ts) and the webhook body (repositories/webhook-outbox.ts), so a receiver
 * gets exactly what `GET …/audit` answers for the same event. Pure: no SQL, no I/O.
 * @packageDocumentation
 */
import type { AuditEvent } from '@gatehouse/contracts';
import type { AuditRow } from './repositories/audit.js';

/**
 * The API's view of audit row `row`: its environment by slug, `changes` from its details (see
 * {@link changesOf}), `created_at` as ISO 8601.
 * @example toAuditEvent({ id: 'evt_1', slug: 'prod', action: 'integration.create', details: '{"name":"a"}', … })
 *   // { id: 'evt_1', environment: 'prod', …, changes: { name: { before: null, after: 'a' } }, created_at: '…Z' }
 */
export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    environment: row.slug,
    actor: row.actor,
    action: row.action,
    target: row.target,
    ip: row.ip,
    result: row.result,
    changes: changesOf(row.details),
    created_at: new Date(row.created_at_ms).toISOString(),
  };
}

/**
 * What an event changed: the `changes` recorded in its details (an update's before/after), else
 * each field its details record (a creation's name, a key's kid, a rotation's grace period…) as
 * `{before: null, after: value}`; null when it recorded nothing. Details never hold a secret.
 */
export function changesOf(details: string | null): AuditEvent['changes'] {
  if (!details) return null;
  try {
    const parsed = JSON.parse(details) as Record<string, unknown> | null;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    if (parsed.changes && typeof parsed.changes === 'object') return parsed.changes as AuditEvent['changes'];
    const recorded = Object.entries(parsed).filter(([, v]) => v !== undefined && v !== null);
    return recorded.length ? Object.fromEntries(recorded.map(([k, v]) => [k, { before: null, after: v }])) : null;
  } catch {
    return null;
  }
}
