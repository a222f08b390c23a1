/**
 * The audit log: who changed what, when, from where, with what result.
 * @packageDocumentation
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditEvent } from '@gatehouse/contracts';
import type { Database } from '../store/schema.js';
import type { Actor } from '../context.js';
import { generateTimeOrderedId } from './secrets.js';
import { ApiError } from '../errors/api-error.js';
import { queryAuditEvents } from '../store/repositories/audit-events.js';

/** One event to record. `details` must never hold a secret. */
export interface AuditEntry {
  environmentId: string | null;
  action: string;
  target?: string | null;
  result?: 'success' | 'failure';
  details?: Record<string, unknown>;
}

/** Appends an audit event (in the caller's transaction when one is given). `nowMs` in milliseconds. */
export async function audit(db: Kysely<Database> | Transaction<Database>, actor: Actor, entry: AuditEntry, nowMs: number): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: `evt_${generateTimeOrderedId(nowMs, 9)}`,
      environment_id: entry.environmentId,
      actor: actor.actor,
      action: entry.action,
      target: entry.target ?? null,
      ip: actor.ip ?? null,
      result: entry.result ?? 'success',
      details: entry.details ? JSON.stringify(entry.details) : null,
      created_at_ms: nowMs,
    })
    .execute();
}

/** A page of audit events and the cursor of the next (older) one, null at the end. */
export interface AuditPage {
  items: AuditEvent[];
  next_cursor: string | null;
}

/** Filters of the audit log (all optional, combined): see {@link listAudit}. */
export interface AuditFilter {
  /** An exact action (`integration.update`) or a family (`integration.*`). */
  action?: string | undefined;
  /** An exact actor (`cli`, `admin:<email>`, `integration:<client_id>`). */
  actor?: string | undefined;
  /** An exact target (a client_id, a slug, an audience…). */
  target?: string | undefined;
  /** ISO 8601: events at or after this time. */
  since?: string | undefined;
  /** ISO 8601: events before this time. */
  until?: string | undefined;
}

const CURSOR = /^(\d{1,16})\.(evt_[\w-]{1,40})$/;
const ACTION = /^[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40}){0,3}(\.\*)?$/;
/** ISO 8601 date or date-time (with a zone when it has a time). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

function time(name: 'since' | 'until', value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = ISO_TIME.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new ApiError(400, 'invalid_request', `${name}: must be an ISO 8601 time, e.g. 2026-01-31 or 2026-01-31T09:00:00Z`);
  return ms;
}

/**
 * The newest `limit` events of an environment, newest first, after `cursor` (from a previous
 * page: `<created_at_ms>.<id>`, so pages hold still while new events arrive); with
 * `environmentId` null, the server-wide events instead (signing keys, console administrators and
 * sign-ins, throttled IPs). `filter` narrows them by action, actor, target and time. Each event
 * carries `changes` (before/after of the changed fields) when it recorded an update.
 * @throws ApiError 400 `invalid_request` for a cursor this function did not make, or a filter
 *   value that is malformed (the message starts with the parameter's name).
 */
export async function listAudit(db: Kysely<Database>, environmentId: string | null, limit: number, cursor?: string, filter: AuditFilter = {}): Promise<AuditPage> {
  let after: { createdAtMs: number; id: string } | undefined;
  if (cursor !== undefined) {
    const match = CURSOR.exec(cursor);
    if (!match) throw new ApiError(400, 'invalid_request', 'cursor: is not one this API returned');
    after = { createdAtMs: Number(match[1]), id: match[2]! };
  }
  if (filter.action !== undefined && !ACTION.test(filter.action)) throw new ApiError(400, 'invalid_request', 'action: must be an action name like integration.update, or a family like integration.*');
  const sinceMs = time('since', filter.since);
  const untilMs = time('until', filter.until);
  const rows = await queryAuditEvents(db, { environmentId, limit, after, action: filter.action, actor: filter.actor, target: filter.target, sinceMs, untilMs });
  const items = rows.slice(0, limit).map((r) => ({
    id: r.id,
    environment: r.slug,
    actor: r.actor,
    action: r.action,
    target: r.target,
    ip: r.ip,
    result: r.result,
    changes: changesOf(r.details),
    created_at: new Date(r.created_at_ms).toISOString(),
  }));
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items, next_cursor: last ? `${last.created_at_ms}.${last.id}` : null };
}

/** The `changes` recorded in an event's details, if any. */
function changesOf(details: string | null): AuditEvent['changes'] {
  if (!details) return null;
  try {
    const parsed = JSON.parse(details) as { changes?: unknown };
    return parsed.changes && typeof parsed.changes === 'object' ? (parsed.changes as AuditEvent['changes']) : null;
  } catch {
    return null;
  }
}
