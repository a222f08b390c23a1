/**
 * The audit log: who changed what, when, from where, with what result. Events are written by the
 * unit of work with the change they describe (`uow.audit`, store/unit-of-work.ts); the rows
 * themselves are store/repositories/audit.ts's. Lists are filterable by action, actor, target and
 * time, and updates carry `changes` (before/after of the changed fields; issue #19).
 * @packageDocumentation
 */
import type { AuditEvent } from '@gatehouse/contracts';
import type { Context } from '../context.js';
import { InvalidInput } from '../errors/domain-errors.js';
import type { Queryable } from '../store/repositories/queryable.js';
import {
  auditEvents,
  type AuditActor,
  type AuditEntry,
  type AuditEventFilter,
  type AuditRow,
} from '../store/repositories/audit.js';
import { toAuditEvent } from '../store/audit-event.js';
import { repositories } from '../store/unit-of-work.js';

export { audit, type AuditEntry } from '../store/repositories/audit.js';

/** A page of audit events and the cursor of the next (older) one, null at the end. */
export interface AuditPage {
  items: AuditEvent[];
  next_cursor: string | null;
}

/** Filters of the audit log (all optional, combined): see {@link auditPage}. */
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
  if (!Number.isFinite(ms))
    throw new InvalidInput(`${name}: must be an ISO 8601 time, e.g. 2026-01-31 or 2026-01-31T09:00:00Z`);
  return ms;
}

/** The position after which a page starts. @throws InvalidInput (400) for a cursor this API did not make. */
function parseCursor(cursor: string | undefined): { createdAtMs: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const match = CURSOR.exec(cursor);
  if (!match) throw new InvalidInput('cursor: is not one this API returned');
  return { createdAtMs: Number(match[1]), id: match[2]! };
}

/** The repository filter of `filter`. @throws InvalidInput (400) naming the malformed parameter. */
function parseFilter(filter: AuditFilter): AuditEventFilter {
  if (filter.action !== undefined && !ACTION.test(filter.action))
    throw new InvalidInput('action: must be an action name like integration.update, or a family like integration.*');
  return {
    action: filter.action,
    actor: filter.actor,
    target: filter.target,
    sinceMs: time('since', filter.since),
    untilMs: time('until', filter.until),
  };
}

/** A page of at most `limit` from up to `limit + 1` rows. */
function toPage(rows: AuditRow[], limit: number): AuditPage {
  const items = rows.slice(0, limit).map(toAuditEvent);
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items, next_cursor: last ? `${last.created_at_ms}.${last.id}` : null };
}

/**
 * The newest `limit` events of an environment, newest first, after `cursor` (from a previous
 * page: `<created_at_ms>.<id>`, so pages hold still while new events arrive); with
 * `environmentId` null, the server-wide events instead (signing keys, console administrators and
 * sign-ins, throttled IPs). `filter` narrows them by action, actor, target and time. Each event
 * carries `changes`: before/after of the changed fields of an update, or the fields other events
 * recorded (before null); see store/audit-event.ts's `changesOf`.
 * @throws InvalidInput (400) `invalid_request` for a cursor this function did not make, or a
 *   malformed filter value (the message starts with the parameter's name).
 */
export async function auditPage(
  ctx: Context,
  environmentId: string | null,
  limit: number,
  cursor?: string,
  filter: AuditFilter = {},
): Promise<AuditPage> {
  const after = parseCursor(cursor);
  return toPage(
    await repositories(ctx.store).auditLog.events(environmentId, limit + 1, after, parseFilter(filter)),
    limit,
  );
}

/**
 * {@link auditPage} on a store handle `db` (the CLI and tests hold one).
 * @throws InvalidInput (400) as {@link auditPage}.
 */
export async function listAudit(
  db: Queryable,
  environmentId: string | null,
  limit: number,
  cursor?: string,
  filter: AuditFilter = {},
): Promise<AuditPage> {
  const after = parseCursor(cursor);
  return toPage(await auditEvents(db, environmentId, limit + 1, after, parseFilter(filter)), limit);
}

/**
 * Records one event on its own, when no change goes with it (a sign-in, a sign-out, a failed
 * authentication). `nowMs` in milliseconds.
 */
export function recordAudit(ctx: Context, actor: AuditActor, entry: AuditEntry, nowMs: number): Promise<void> {
  return repositories(ctx.store).auditLog.record(actor, entry, nowMs);
}
