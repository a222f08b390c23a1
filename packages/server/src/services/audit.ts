/**
 * The audit log: who changed what, when, from where, with what result.
 * @packageDocumentation
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditEvent } from '@gatehouse/contracts';
import type { Database } from '../store/schema.js';
import type { Actor } from '../context.js';
import { generateTimeOrderedId } from './secrets.js';
import { InvalidInput } from '../errors/domain-errors.js';

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

const CURSOR = /^(\d{1,16})\.(evt_[\w-]{1,40})$/;

/**
 * The newest `limit` events of an environment, newest first, after `cursor` (from a previous
 * page: `<created_at_ms>.<id>`, so pages hold still while new events arrive); with
 * `environmentId` null, the server-wide events instead (signing keys, console administrators and
 * sign-ins, throttled IPs).
 * @throws InvalidInput `invalid_request` for a cursor this function did not make.
 */
export async function listAudit(db: Kysely<Database>, environmentId: string | null, limit: number, cursor?: string): Promise<AuditPage> {
  let query = db
    .selectFrom('audit_events')
    .leftJoin('environments', 'environments.id', 'audit_events.environment_id')
    .select(['audit_events.id', 'environments.slug', 'actor', 'action', 'target', 'ip', 'result', 'created_at_ms'])
    .where('audit_events.environment_id', environmentId === null ? 'is' : '=', environmentId);
  if (cursor !== undefined) {
    const match = CURSOR.exec(cursor);
    if (!match) throw new InvalidInput('cursor is not one this API returned');
    const [ms, id] = [Number(match[1]), match[2]!];
    query = query.where((eb) => eb.or([eb('created_at_ms', '<', ms), eb.and([eb('created_at_ms', '=', ms), eb('audit_events.id', '<', id)])]));
  }
  const rows = await query.orderBy('created_at_ms', 'desc').orderBy('audit_events.id', 'desc').limit(limit + 1).execute();
  const items = rows.slice(0, limit).map((r) => ({
    id: r.id,
    environment: r.slug,
    actor: r.actor,
    action: r.action,
    target: r.target,
    ip: r.ip,
    result: r.result,
    created_at: new Date(Number(r.created_at_ms)).toISOString(),
  }));
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items, next_cursor: last ? `${Number(last.created_at_ms)}.${last.id}` : null };
}
