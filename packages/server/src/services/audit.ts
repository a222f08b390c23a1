/**
 * The audit log: who changed what, when, from where, with what result.
 * @packageDocumentation
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditEvent } from '@gatehouse/contracts';
import type { Database } from '../store/schema.js';
import type { Actor } from '../context.js';
import { generateId } from './secrets.js';

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
      id: `evt_${generateId(12)}`,
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
 * The newest `limit` events of an environment, newest first; with `environmentId` null, the
 * server-wide events instead (signing keys, console administrators and sign-ins, throttled IPs).
 */
export async function listAudit(db: Kysely<Database>, environmentId: string | null, limit: number): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom('audit_events')
    .leftJoin('environments', 'environments.id', 'audit_events.environment_id')
    .select(['audit_events.id', 'environments.slug', 'actor', 'action', 'target', 'ip', 'result', 'created_at_ms'])
    .where('audit_events.environment_id', environmentId === null ? 'is' : '=', environmentId)
    .orderBy('created_at_ms', 'desc')
    .orderBy('audit_events.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    environment: r.slug,
    actor: r.actor,
    action: r.action,
    target: r.target,
    ip: r.ip,
    result: r.result,
    created_at: new Date(Number(r.created_at_ms)).toISOString(),
  }));
}
