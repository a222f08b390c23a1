/**
 * The audit log: who changed what, when, from where, with what result. Events are written by the
 * unit of work with the change they describe (`uow.audit`, store/unit-of-work.ts); the rows
 * themselves are store/repositories/audit.ts's.
 * @packageDocumentation
 */
import type { AuditEvent } from '@gatehouse/contracts';
import type { Context } from '../context.js';
import { InvalidInput } from '../errors/domain-errors.js';
import type { Queryable } from '../store/repositories/queryable.js';
import { auditEvents, type AuditActor, type AuditEntry, type AuditRow } from '../store/repositories/audit.js';
import { repositories } from '../store/unit-of-work.js';

export { audit, type AuditEntry } from '../store/repositories/audit.js';

/** A page of audit events and the cursor of the next (older) one, null at the end. */
export interface AuditPage {
  items: AuditEvent[];
  next_cursor: string | null;
}

const CURSOR = /^(\d{1,16})\.(evt_[\w-]{1,40})$/;

/** The position after which a page starts. @throws InvalidInput (400) for a cursor this API did not make. */
function parseCursor(cursor: string | undefined): { createdAtMs: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const match = CURSOR.exec(cursor);
  if (!match) throw new InvalidInput('cursor is not one this API returned');
  return { createdAtMs: Number(match[1]), id: match[2]! };
}

/** A page of at most `limit` from up to `limit + 1` rows. */
function toPage(rows: AuditRow[], limit: number): AuditPage {
  const items = rows.slice(0, limit).map((r) => ({
    id: r.id,
    environment: r.slug,
    actor: r.actor,
    action: r.action,
    target: r.target,
    ip: r.ip,
    result: r.result,
    created_at: new Date(r.created_at_ms).toISOString(),
  }));
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items, next_cursor: last ? `${last.created_at_ms}.${last.id}` : null };
}

/**
 * The newest `limit` events of an environment, newest first, after `cursor` (from a previous
 * page: `<created_at_ms>.<id>`, so pages hold still while new events arrive); with
 * `environmentId` null, the server-wide events instead (signing keys, console administrators and
 * sign-ins, throttled IPs).
 * @throws InvalidInput (400) `invalid_request` for a cursor this function did not make.
 */
export async function auditPage(ctx: Context, environmentId: string | null, limit: number, cursor?: string): Promise<AuditPage> {
  const after = parseCursor(cursor);
  return toPage(await repositories(ctx.store).auditLog.events(environmentId, limit + 1, after), limit);
}

/**
 * {@link auditPage} on a store handle `db` (the CLI and tests hold one).
 * @throws InvalidInput (400) as {@link auditPage}.
 */
export async function listAudit(db: Queryable, environmentId: string | null, limit: number, cursor?: string): Promise<AuditPage> {
  const after = parseCursor(cursor);
  return toPage(await auditEvents(db, environmentId, limit + 1, after), limit);
}

/**
 * Records one event on its own, when no change goes with it (a sign-in, a sign-out, a failed
 * authentication). `nowMs` in milliseconds.
 */
export function recordAudit(ctx: Context, actor: AuditActor, entry: AuditEntry, nowMs: number): Promise<void> {
  return repositories(ctx.store).auditLog.record(actor, entry, nowMs);
}
