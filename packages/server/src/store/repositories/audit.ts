/**
 * `audit_events`: who changed what, when, from where, with what result.
 * @packageDocumentation
 */
import type { Queryable } from './queryable.js';
import { generateTimeOrderedId } from '../time-ordered-id.js';

/** Who acted: `cli`, `admin:<email>`, `integration:<client_id>`, `customer:<id>`; and from where. */
export interface AuditActor {
  readonly actor: string;
  readonly ip?: string | null | undefined;
}

/** One event to record. `details` must never hold a secret. */
export interface AuditEntry {
  environmentId: string | null;
  action: string;
  target?: string | null;
  result?: 'success' | 'failure';
  details?: Record<string, unknown>;
}

/** An event row as the audit list shows it (`slug`: its environment's, null for server-wide events). */
export interface AuditRow {
  id: string;
  slug: string | null;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  result: string;
  /** Milliseconds since the epoch. */
  created_at_ms: number;
}

/**
 * Appends an audit event (in the caller's transaction when `db` is one). `nowMs` in milliseconds.
 * The unit of work ({@link ../unit-of-work.ts}) calls this with its transaction; the few writes
 * that record only an event (a sign-in, a failed authentication) call it on the store's handle.
 */
export async function audit(db: Queryable, actor: AuditActor, entry: AuditEntry, nowMs: number): Promise<void> {
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

/**
 * Up to `limit` events of an environment (server-wide ones when `environmentId` is null), newest
 * first, older than `after` (`createdAtMs`, `id`) when given.
 */
export async function auditEvents(db: Queryable, environmentId: string | null, limit: number, after?: { createdAtMs: number; id: string }): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_events')
    .leftJoin('environments', 'environments.id', 'audit_events.environment_id')
    .select(['audit_events.id', 'environments.slug', 'actor', 'action', 'target', 'ip', 'result', 'created_at_ms'])
    .where('audit_events.environment_id', environmentId === null ? 'is' : '=', environmentId);
  if (after) {
    const { createdAtMs: ms, id } = after;
    query = query.where((eb) => eb.or([eb('created_at_ms', '<', ms), eb.and([eb('created_at_ms', '=', ms), eb('audit_events.id', '<', id)])]));
  }
  const rows = await query.orderBy('created_at_ms', 'desc').orderBy('audit_events.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...r, slug: r.slug ?? null, created_at_ms: Number(r.created_at_ms) }));
}

/** Deletes events older than `cutoffMs`; returns how many. */
export async function purgeAuditEvents(db: Queryable, cutoffMs: number): Promise<number> {
  const res = await db.deleteFrom('audit_events').where('created_at_ms', '<', cutoffMs).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** The `audit_events` table. */
export class AuditRepository {
  constructor(private readonly db: Queryable) {}

  /** {@link audit}. */
  record(actor: AuditActor, entry: AuditEntry, nowMs: number): Promise<void> {
    return audit(this.db, actor, entry, nowMs);
  }

  /** {@link auditEvents}. */
  events(environmentId: string | null, limit: number, after?: { createdAtMs: number; id: string }): Promise<AuditRow[]> {
    return auditEvents(this.db, environmentId, limit, after);
  }

  /** {@link purgeAuditEvents}. */
  purge(cutoffMs: number): Promise<number> {
    return purgeAuditEvents(this.db, cutoffMs);
  }
}
