/**
 * Reading the audit log: one environment's events (or the server-wide ones), newest first,
 * filtered by action, actor, target and time (issue #19). Uses the (environment_id,
 * created_at_ms) index; the other filters narrow what it finds.
 * @packageDocumentation
 */
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../schema.js';

/** What to read. Times in milliseconds since the epoch; all filters optional and combined with AND. */
export interface AuditQuery {
  /** null: the server-wide events. */
  environmentId: string | null;
  limit: number;
  /** Position after which to read (older events): from a previous page. */
  after?: { createdAtMs: number; id: string } | undefined;
  /** An exact action, or a prefix ending in `.*` (`integration.*`). */
  action?: string | undefined;
  actor?: string | undefined;
  target?: string | undefined;
  /** Inclusive lower bound. */
  sinceMs?: number | undefined;
  /** Exclusive upper bound. */
  untilMs?: number | undefined;
}

/** One stored event with its environment's slug; `details` is the stored JSON text. */
export interface AuditRow {
  id: string;
  slug: string | null;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  result: string;
  details: string | null;
  created_at_ms: number;
}

/** Up to `limit + 1` events matching `q`, newest first (the extra one tells that a next page exists). */
export async function queryAuditEvents(db: Kysely<Database>, q: AuditQuery): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_events')
    .leftJoin('environments', 'environments.id', 'audit_events.environment_id')
    .select(['audit_events.id', 'environments.slug', 'actor', 'action', 'target', 'ip', 'result', 'details', 'created_at_ms'])
    .where('audit_events.environment_id', q.environmentId === null ? 'is' : '=', q.environmentId);
  if (q.after) {
    const { createdAtMs: ms, id } = q.after;
    query = query.where((eb) => eb.or([eb('created_at_ms', '<', ms), eb.and([eb('created_at_ms', '=', ms), eb('audit_events.id', '<', id)])]));
  }
  if (q.action !== undefined) {
    // A family is a LIKE prefix with `_` and `%` escaped (a range on '~' would depend on the collation).
    const prefix = `${q.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = q.action.endsWith('.*') ? query.where(sql<SqlBool>`action like ${prefix} escape '\\'`) : query.where('action', '=', q.action);
  }
  if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
  if (q.target !== undefined) query = query.where('target', '=', q.target);
  if (q.sinceMs !== undefined) query = query.where('created_at_ms', '>=', q.sinceMs);
  if (q.untilMs !== undefined) query = query.where('created_at_ms', '<', q.untilMs);
  const rows = await query.orderBy('created_at_ms', 'desc').orderBy('audit_events.id', 'desc').limit(q.limit + 1).execute();
  return rows.map((r) => ({ ...r, created_at_ms: Number(r.created_at_ms) }));
}
