/**
 * The delivery log of webhook endpoints as people read and act on it (issue #28):
 * `webhook_deliveries` with their `webhook_attempts`, newest first; sending a test event;
 * redelivering a message. Sending itself (the head of each endpoint's queue, leases, attempts) is
 * the outbox's (`webhook-outbox.ts`). Every statement here is scoped by the endpoint, which the
 * caller found through its own environment.
 * @packageDocumentation
 */
import { sql } from 'kysely';
import type { WebhookDeliveryTable } from '../schema.js';
import type { Dialect, Queryable } from './queryable.js';
import { pendingDelivery } from './webhook-outbox.js';
import { WEBHOOK_TEST_EVENT } from '../webhook-event-filter.js';

/** The most attempts a log entry carries. */
export const RECENT_ATTEMPTS = 5;

/** One attempt of a delivery. `attemptedAtMs` in milliseconds. */
export interface WebhookAttemptRecord {
  attemptedAtMs: number;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** A delivery as the log shows it (the body left out). Times in milliseconds. */
export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  eventId: string | null;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  eventAtMs: number;
  nextAttemptAtMs: number;
  /** The node sending it now, until `leaseUntilMs`; null when none is. */
  leaseOwner: string | null;
  leaseUntilMs: number | null;
  lastAttemptAtMs: number | null;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  deliveredAtMs: number | null;
  createdAtMs: number;
  /** Newest first, at most {@link RECENT_ATTEMPTS}. */
  recentAttempts: WebhookAttemptRecord[];
}

/** Where a page of the log starts: after this delivery (newest first). */
export interface DeliveryCursor {
  eventAtMs: number;
  id: string;
}

const COLUMNS = [
  'id',
  'endpoint_id',
  'event_id',
  'event_type',
  'status',
  'attempts',
  'event_at_ms',
  'next_attempt_at_ms',
  'lease_owner',
  'lease_until_ms',
  'last_attempt_at_ms',
  'last_status_code',
  'last_latency_ms',
  'last_error',
  'delivered_at_ms',
  'created_at_ms',
] as const;
type DeliveryRow = Pick<WebhookDeliveryTable, (typeof COLUMNS)[number]>;

const n = (v: number | null) => (v === null ? null : Number(v));

function toRecord(row: DeliveryRow, attempts: WebhookAttemptRecord[]): WebhookDeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status as WebhookDeliveryRecord['status'],
    attempts: Number(row.attempts),
    eventAtMs: Number(row.event_at_ms),
    nextAttemptAtMs: Number(row.next_attempt_at_ms),
    leaseOwner: row.lease_owner,
    leaseUntilMs: n(row.lease_until_ms),
    lastAttemptAtMs: n(row.last_attempt_at_ms),
    lastStatusCode: n(row.last_status_code),
    lastLatencyMs: n(row.last_latency_ms),
    lastError: row.last_error,
    deliveredAtMs: n(row.delivered_at_ms),
    createdAtMs: Number(row.created_at_ms),
    recentAttempts: attempts,
  };
}

/** `rows` with their newest attempts, in one query (a window over the attempts of these deliveries). */
async function withAttempts(db: Queryable, rows: DeliveryRow[]): Promise<WebhookDeliveryRecord[]> {
  if (!rows.length) return [];
  const ranked = db
    .selectFrom('webhook_attempts')
    .select([
      'delivery_id',
      'attempted_at_ms',
      'status_code',
      'latency_ms',
      'error',
      sql<number>`row_number() over (partition by delivery_id order by attempted_at_ms desc, id desc)`.as('rn'),
    ])
    .where(
      'delivery_id',
      'in',
      rows.map((r) => r.id),
    )
    .as('ranked');
  const attempts = await db
    .selectFrom(ranked)
    .selectAll()
    .where('rn', '<=', RECENT_ATTEMPTS)
    .orderBy('delivery_id')
    .orderBy('rn')
    .execute();
  const byDelivery = new Map<string, WebhookAttemptRecord[]>();
  for (const a of attempts) {
    let list = byDelivery.get(a.delivery_id);
    if (!list) byDelivery.set(a.delivery_id, (list = []));
    list.push({
      attemptedAtMs: Number(a.attempted_at_ms),
      statusCode: n(a.status_code),
      latencyMs: Number(a.latency_ms),
      error: a.error,
    });
  }
  return rows.map((r) => toRecord(r, byDelivery.get(r.id) ?? []));
}

/** `webhook_deliveries` and `webhook_attempts`, as the delivery log. */
export class WebhookDeliveryLogRepository {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Up to `limit` deliveries of endpoint `endpointId`, newest first by (`event_at_ms`, `id`),
   * after `after` when given, each with its {@link RECENT_ATTEMPTS} newest attempts (two queries).
   */
  async page(endpointId: string, limit: number, after?: DeliveryCursor): Promise<WebhookDeliveryRecord[]> {
    let query = this.db.selectFrom('webhook_deliveries').select(COLUMNS).where('endpoint_id', '=', endpointId);
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('event_at_ms', '<', after.eventAtMs),
          eb.and([eb('event_at_ms', '=', after.eventAtMs), eb('id', '<', after.id)]),
        ]),
      );
    const rows = await query.orderBy('event_at_ms', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return withAttempts(this.db, rows);
  }

  /** Delivery `id` of endpoint `endpointId` with its newest attempts, or undefined. */
  async get(endpointId: string, id: string): Promise<WebhookDeliveryRecord | undefined> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select(COLUMNS)
      .where('endpoint_id', '=', endpointId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && (await withAttempts(this.db, [row]))[0];
  }

  /**
   * {@link get} with the row locked until the caller's transaction ends (PostgreSQL `FOR UPDATE`;
   * SQLite's write transaction holds the whole store). Only in a unit of work.
   */
  async lock(endpointId: string, id: string): Promise<WebhookDeliveryRecord | undefined> {
    let query = this.db
      .selectFrom('webhook_deliveries')
      .select(COLUMNS)
      .where('endpoint_id', '=', endpointId)
      .where('id', '=', id);
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && (await withAttempts(this.db, [row]))[0];
  }

  /**
   * Queues a `webhook.test` delivery of `body` (the exact JSON to send) for endpoint `endpointId`,
   * pending and due at `nowMs` (milliseconds); it matches no filter, so only this endpoint gets it.
   * @returns the delivery written.
   */
  async enqueueTest(endpointId: string, body: string, nowMs: number): Promise<WebhookDeliveryRecord> {
    const row = pendingDelivery(endpointId, { id: null, type: WEBHOOK_TEST_EVENT }, body, nowMs);
    await this.db.insertInto('webhook_deliveries').values(row).execute();
    return toRecord(row, []);
  }

  /**
   * Sends delivery `id` of endpoint `endpointId` again: back to `pending`, due at `nowMs`
   * (milliseconds), its lease and `delivered_at_ms` cleared; the same id and body, its attempts
   * and log kept. Its 24 hours of retries count from now (`created_at_ms`: webhooks/worker.ts gives
   * up on a delivery that fails 24 h after it was queued). @returns whether a row changed.
   */
  async redeliver(endpointId: string, id: string, nowMs: number): Promise<boolean> {
    const res = await this.db
      .updateTable('webhook_deliveries')
      .set({
        status: 'pending',
        next_attempt_at_ms: nowMs,
        lease_owner: null,
        lease_until_ms: null,
        delivered_at_ms: null,
        created_at_ms: nowMs,
      })
      .where('endpoint_id', '=', endpointId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }
}
