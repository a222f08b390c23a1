/**
 * `audit_events`: who changed what, when, from where, with what result.
 * @packageDocumentation
 */
import { sql, type SqlBool } from 'kysely';
import type { Queryable } from './queryable.js';
import { generateTimeOrderedId } from '../time-ordered-id.js';
import { enqueueWebhookDeliveries, wantsWebhookDelivery, type AuditEventInsert } from './webhook-outbox.js';

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
  /** The stored JSON details (may hold `changes`, the before/after of an update). */
  details: string | null;
  /** Milliseconds since the epoch. */
  created_at_ms: number;
}

/**
 * Filters of the audit list (issue #19), all optional and combined with AND. Times in
 * milliseconds since the epoch.
 */
export interface AuditEventFilter {
  /** An exact action, or a family: a prefix ending in `.*` (`integration.*`). */
  action?: string | undefined;
  actor?: string | undefined;
  target?: string | undefined;
  /** Inclusive lower bound. */
  sinceMs?: number | undefined;
  /** Exclusive upper bound. */
  untilMs?: number | undefined;
}

/**
 * Appends an audit event (in the caller's transaction when `db` is one) and, in the same
 * transaction, the webhook deliveries it makes (repositories/webhook-outbox.ts): so an event
 * written by any process — a server node, the CLI — reaches the outbox exactly when it commits.
 * `nowMs` in milliseconds. The unit of work ({@link ../unit-of-work.ts}) calls this with its
 * transaction; the few writes that record only an event (a sign-in, a failed authentication) call
 * it on the store's handle: then the event is inserted on its own when no endpoint takes it (one
 * SELECT decides), else the event and its deliveries in one transaction.
 */
export async function audit(db: Queryable, actor: AuditActor, entry: AuditEntry, nowMs: number): Promise<void> {
  const event: AuditEventInsert = {
    id: `evt_${generateTimeOrderedId(nowMs, 9)}`,
    environment_id: entry.environmentId,
    actor: actor.actor,
    action: entry.action,
    target: entry.target ?? null,
    ip: actor.ip ?? null,
    result: entry.result ?? 'success',
    details: entry.details ? JSON.stringify(entry.details) : null,
    created_at_ms: nowMs,
  };
  if (db.isTransaction) {
    await db.insertInto('audit_events').values(event).execute();
    await enqueueWebhookDeliveries(db, event);
  } else if (!(await wantsWebhookDelivery(db, event))) {
    await db.insertInto('audit_events').values(event).execute();
  } else {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('audit_events').values(event).execute();
      await enqueueWebhookDeliveries(trx, event);
    });
  }
}

/**
 * Up to `limit` events of an environment (server-wide ones when `environmentId` is null), newest
 * first, older than `after` (`createdAtMs`, `id`) when given, narrowed by `filter`. Uses the
 * (environment_id, created_at_ms) index; the other filters narrow what it finds.
 */
export async function auditEvents(
  db: Queryable,
  environmentId: string | null,
  limit: number,
  after?: { createdAtMs: number; id: string },
  filter: AuditEventFilter = {},
): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_events')
    .leftJoin('environments', 'environments.id', 'audit_events.environment_id')
    .select([
      'audit_events.id',
      'environments.slug',
      'actor',
      'action',
      'target',
      'ip',
      'result',
      'details',
      'created_at_ms',
    ])
    .where('audit_events.environment_id', environmentId === null ? 'is' : '=', environmentId);
  if (after) {
    const { createdAtMs: ms, id } = after;
    query = query.where((eb) =>
      eb.or([eb('created_at_ms', '<', ms), eb.and([eb('created_at_ms', '=', ms), eb('audit_events.id', '<', id)])]),
    );
  }
  if (filter.action !== undefined) {
    // A family is a LIKE prefix with `_` and `%` escaped (a range on '~' would depend on the collation).
    const prefix = `${filter.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = filter.action.endsWith('.*')
      ? query.where(sql<SqlBool>`action like ${prefix} escape '\\'`)
      : query.where('action', '=', filter.action);
  }
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.target !== undefined) query = query.where('target', '=', filter.target);
  if (filter.sinceMs !== undefined) query = query.where('created_at_ms', '>=', filter.sinceMs);
  if (filter.untilMs !== undefined) query = query.where('created_at_ms', '<', filter.untilMs);
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
  events(
    environmentId: string | null,
    limit: number,
    after?: { createdAtMs: number; id: string },
    filter?: AuditEventFilter,
  ): Promise<AuditRow[]> {
    return auditEvents(this.db, environmentId, limit, after, filter);
  }

  /** {@link purgeAuditEvents}. */
  purge(cutoffMs: number): Promise<number> {
    return purgeAuditEvents(this.db, cutoffMs);
  }
}
