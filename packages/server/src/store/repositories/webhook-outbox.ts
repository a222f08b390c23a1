/**
 * The webhook outbox (`webhook_deliveries`, `webhook_attempts`; migration 015, issue #28): the
 * deliveries an audit event makes, written in its transaction ({@link enqueueWebhookDeliveries},
 * called by `audit()`), and what the delivery worker (webhooks/worker.ts) does with them: find each
 * endpoint's due head, take it by a lease that one node wins, record the attempt's outcome, mark
 * the endpoint failing or disable it, and purge old deliveries.
 * @packageDocumentation
 */
import { sql, type ExpressionBuilder } from 'kysely';
import type { AuditEventTable, Database, WebhookDeliveryTable } from '../schema.js';
import type { Queryable } from './queryable.js';
import type { AuditRow } from './audit.js';
import { toAuditEvent } from '../audit-event.js';
import { matchesEventFilter, parseEventFilter } from '../webhook-event-filter.js';
import { generateTimeOrderedId } from '../time-ordered-id.js';

/** How long a claim holds a delivery, milliseconds: past it another node may take it (a crashed sender). */
export const WEBHOOK_LEASE_MS = 30_000;

/** An audit event as `audit()` inserts it (an `audit_events` row; `created_at_ms` in milliseconds). */
export type AuditEventInsert = AuditEventTable;

/** A delivery the worker may send now: the head of its endpoint's queue, due, its lease free. */
export interface DueDelivery {
  /** `msg_…`, the Standard Webhooks `webhook-id`. */
  id: string;
  endpointId: string;
  /** The endpoint's environment; null for a server-wide endpoint. */
  environmentId: string | null;
  url: string;
  /** The sealed signing secret (open with the sealer, aad = the endpoint id). */
  secretEnc: string;
  /** The sealed previous secret, signing too until `previousExpiresAt` (seconds); null when none. */
  previousSecretEnc: string | null;
  previousExpiresAt: number | null;
  /** The exact bytes sent on every attempt. */
  body: string;
  /** Attempts made so far. */
  attempts: number;
  /** Milliseconds. */
  createdAtMs: number;
  eventAtMs: number;
  nextAttemptAtMs: number;
}

/** What one attempt at sending a delivery came to, as the worker records it. */
export interface WebhookAttemptOutcome {
  deliveryId: string;
  endpointId: string;
  /** The node that holds the lease; a node whose lease was taken over changes nothing but the attempt log. */
  leaseOwner: string;
  /** Milliseconds. */
  attemptedAtMs: number;
  /** The receiver's HTTP status; null when none came (timeout, refused address, connection error). */
  statusCode: number | null;
  /** Milliseconds. */
  latencyMs: number;
  /** Why it failed (short, no secret); null on success. */
  error: string | null;
  /**
   * `delivered` (2xx), `retry` at `nextAttemptAtMs`, or `failed`: given up (the delivery stays in
   * the log, status `failed`).
   */
  result: 'delivered' | 'retry' | 'failed';
  /** Milliseconds; required with `retry`. */
  nextAttemptAtMs?: number | undefined;
}

/** What {@link WebhookOutboxRepository.recordAttempt} changed. */
export interface AttemptRecorded {
  /** False when this node no longer held the lease (the delivery was left as it was). */
  applied: boolean;
  /** The endpoint's first failure of the current run, milliseconds; null after a success. */
  failingSinceMs: number | null;
}

/** The endpoints an event of `environmentId` may go to: enabled, of that environment or server-wide. */
function candidateEndpoints(db: Queryable, environmentId: string | null) {
  return db
    .selectFrom('webhook_endpoints')
    .select(['id', 'events'])
    .select((eb) =>
      eb.selectFrom('environments').select('slug').where('environments.id', '=', environmentId).as('slug'),
    )
    .where('enabled', '=', 1)
    .where((eb) =>
      environmentId === null
        ? eb('environment_id', 'is', null)
        : eb.or([eb('environment_id', '=', environmentId), eb('environment_id', 'is', null)]),
    )
    .execute();
}

/**
 * Whether some enabled endpoint takes audit event `event` (its environment's or a server-wide one,
 * and its `events` filter matches): the one indexed SELECT `audit()` pays when no endpoint exists.
 */
export async function wantsWebhookDelivery(db: Queryable, event: Pick<AuditEventInsert, 'environment_id' | 'action'>) {
  const endpoints = await candidateEndpoints(db, event.environment_id);
  return endpoints.some((e) => matchesEventFilter(parseEventFilter(e.events), event.action));
}

/**
 * A new outbox row: message `body` of event `event` (`id` null for a test event) for endpoint
 * `endpointId`, pending and due at `atMs` (milliseconds, also its event time and queue time), with
 * a new `msg_…` id (its `webhook-id`).
 */
export function pendingDelivery(
  endpointId: string,
  event: { id: string | null; type: string },
  body: string,
  atMs: number,
): WebhookDeliveryTable {
  return {
    id: `msg_${generateTimeOrderedId(atMs)}`,
    endpoint_id: endpointId,
    event_id: event.id,
    event_type: event.type,
    body,
    event_at_ms: atMs,
    status: 'pending',
    attempts: 0,
    next_attempt_at_ms: atMs,
    lease_owner: null,
    lease_until_ms: null,
    last_attempt_at_ms: null,
    last_status_code: null,
    last_latency_ms: null,
    last_error: null,
    delivered_at_ms: null,
    created_at_ms: atMs,
  };
}

/**
 * Inserts one pending delivery of audit event `event` for every enabled endpoint that takes it
 * (see {@link wantsWebhookDelivery}), due at once. Call it in the transaction that inserts the
 * event, so both commit or neither. The body is the Standard Webhooks payload
 * `{type, timestamp, data}` with `data` the event exactly as the audit list shows it.
 * @returns how many deliveries were inserted.
 */
export async function enqueueWebhookDeliveries(db: Queryable, event: AuditEventInsert): Promise<number> {
  const endpoints = await candidateEndpoints(db, event.environment_id);
  const matching = endpoints.filter((e) => matchesEventFilter(parseEventFilter(e.events), event.action));
  if (!matching.length) return 0;
  const { environment_id: _environment, ...fields } = event;
  const row: AuditRow = { ...fields, slug: matching[0]!.slug ?? null };
  const timestamp = new Date(event.created_at_ms).toISOString();
  const body = JSON.stringify({ type: event.action, timestamp, data: toAuditEvent(row) });
  await db
    .insertInto('webhook_deliveries')
    .values(
      matching.map((endpoint) =>
        pendingDelivery(endpoint.id, { id: event.id, type: event.action }, body, event.created_at_ms),
      ),
    )
    .execute();
  return matching.length;
}

/** A pending delivery of the same endpoint before `outer` (by `event_at_ms`, `id`): `outer` is not the head. */
function earlierPending(eb: ExpressionBuilder<Database, 'webhook_deliveries'>) {
  return eb.exists(
    eb
      .selectFrom('webhook_deliveries as p')
      .select(sql`1`.as('one'))
      .whereRef('p.endpoint_id', '=', 'webhook_deliveries.endpoint_id')
      .where('p.status', '=', 'pending')
      .where((p) =>
        p.or([
          p('p.event_at_ms', '<', p.ref('webhook_deliveries.event_at_ms')),
          p.and([
            p('p.event_at_ms', '=', p.ref('webhook_deliveries.event_at_ms')),
            p('p.id', '<', p.ref('webhook_deliveries.id')),
          ]),
        ]),
      ),
  );
}

/** The `webhook_deliveries` and `webhook_attempts` tables as the delivery worker uses them. */
export class WebhookOutboxRepository {
  constructor(private readonly db: Queryable) {}

  /** {@link enqueueWebhookDeliveries}. */
  enqueue(event: AuditEventInsert): Promise<number> {
    return enqueueWebhookDeliveries(this.db, event);
  }

  /**
   * Up to `limit` deliveries to send at `nowMs` (milliseconds): per enabled endpoint its head (the
   * oldest pending by `event_at_ms`, `id`), when it is due and no live lease holds it — so an
   * endpoint's deliveries go one at a time, in order, and one endpoint's backlog never hides
   * another's head. Most overdue first. One query: a lookup per endpoint on the order index.
   */
  async dueHeads(nowMs: number, limit: number): Promise<DueDelivery[]> {
    const rows = await this.db
      .selectFrom(['webhook_endpoints as e', 'webhook_deliveries as d'])
      .select([
        'd.id',
        'd.endpoint_id',
        'e.environment_id',
        'e.url',
        'e.secret_enc',
        'e.previous_secret_enc',
        'e.previous_expires_at',
        'd.body',
        'd.attempts',
        'd.created_at_ms',
        'd.event_at_ms',
        'd.next_attempt_at_ms',
      ])
      .where('e.enabled', '=', 1)
      .where((eb) =>
        eb(
          'd.id',
          '=',
          eb
            .selectFrom('webhook_deliveries as h')
            .select('h.id')
            .whereRef('h.endpoint_id', '=', 'e.id')
            .where('h.status', '=', 'pending')
            .orderBy('h.event_at_ms')
            .orderBy('h.id')
            .limit(1),
        ),
      )
      .where('d.next_attempt_at_ms', '<=', nowMs)
      .where((eb) => eb.or([eb('d.lease_until_ms', 'is', null), eb('d.lease_until_ms', '<', nowMs)]))
      .orderBy('d.next_attempt_at_ms')
      .orderBy('d.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      environmentId: r.environment_id,
      url: r.url,
      secretEnc: r.secret_enc,
      previousSecretEnc: r.previous_secret_enc,
      previousExpiresAt: r.previous_expires_at === null ? null : Number(r.previous_expires_at),
      body: r.body,
      attempts: r.attempts,
      createdAtMs: Number(r.created_at_ms),
      eventAtMs: Number(r.event_at_ms),
      nextAttemptAtMs: Number(r.next_attempt_at_ms),
    }));
  }

  /**
   * Takes delivery `id` for `owner` (a node id) until `nowMs + leaseMs` (milliseconds), if it is
   * still pending, due, the head of its enabled endpoint, and not leased (or its lease expired).
   * One conditional UPDATE: of nodes claiming the same delivery at once, exactly one gets true.
   */
  async claim(id: string, owner: string, nowMs: number, leaseMs = WEBHOOK_LEASE_MS): Promise<boolean> {
    const res = await this.db
      .updateTable('webhook_deliveries')
      .set({ lease_owner: owner, lease_until_ms: nowMs + leaseMs })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('next_attempt_at_ms', '<=', nowMs)
      .where((eb) => eb.or([eb('lease_until_ms', 'is', null), eb('lease_until_ms', '<', nowMs)]))
      .where('endpoint_id', 'in', (eb) => eb.selectFrom('webhook_endpoints').select('id').where('enabled', '=', 1))
      .where((eb) => eb.not(earlierPending(eb)))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Records one attempt: appends it to the log, and — when `outcome.leaseOwner` still holds the
   * lease — updates the delivery (`delivered`, due again at `nextAttemptAtMs`, or `failed`; the
   * lease released, the `last_*` columns set) and its endpoint's `failing_since_ms` (cleared by a
   * success, set at the first failure of a run). Call it in a unit of work so the caller can
   * disable the endpoint ({@link disableFailing}) in the same transaction.
   * @throws Error when `result` is `retry` without `nextAttemptAtMs`.
   */
  async recordAttempt(outcome: WebhookAttemptOutcome): Promise<AttemptRecorded> {
    const { deliveryId, endpointId, attemptedAtMs: at, result } = outcome;
    if (result === 'retry' && outcome.nextAttemptAtMs === undefined) throw new Error('a retry needs nextAttemptAtMs');
    await this.db
      .insertInto('webhook_attempts')
      .values({
        id: `wha_${generateTimeOrderedId(at)}`,
        delivery_id: deliveryId,
        attempted_at_ms: at,
        status_code: outcome.statusCode,
        latency_ms: Math.max(0, Math.round(outcome.latencyMs)),
        error: outcome.error,
      })
      .execute();
    const res = await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: result === 'retry' ? 'pending' : result,
        attempts: eb('attempts', '+', 1),
        ...(result === 'retry' && { next_attempt_at_ms: outcome.nextAttemptAtMs! }),
        ...(result === 'delivered' && { delivered_at_ms: at }),
        lease_owner: null,
        lease_until_ms: null,
        last_attempt_at_ms: at,
        last_status_code: outcome.statusCode,
        last_latency_ms: Math.max(0, Math.round(outcome.latencyMs)),
        last_error: outcome.error,
      }))
      .where('id', '=', deliveryId)
      .where('status', '=', 'pending')
      .where('lease_owner', '=', outcome.leaseOwner)
      .executeTakeFirst();
    const applied = Number(res.numUpdatedRows) === 1;
    if (applied)
      await this.db
        .updateTable('webhook_endpoints')
        .set((eb) => ({
          failing_since_ms: result === 'delivered' ? null : eb.fn.coalesce('failing_since_ms', eb.val(at)),
        }))
        .where('id', '=', endpointId)
        .execute();
    const endpoint = await this.db
      .selectFrom('webhook_endpoints')
      .select('failing_since_ms')
      .where('id', '=', endpointId)
      .executeTakeFirst();
    const since = endpoint?.failing_since_ms;
    return { applied, failingSinceMs: since === null || since === undefined ? null : Number(since) };
  }

  /**
   * Disables endpoint `endpointId` as failing (`enabled` 0, `disabled_reason` `failing`) at
   * `nowMs` (milliseconds), if it is enabled; its pending deliveries stay (resumed when it is
   * enabled again). @returns whether this call disabled it (audit it in the same transaction).
   */
  async disableFailing(endpointId: string, nowMs: number): Promise<boolean> {
    const res = await this.db
      .updateTable('webhook_endpoints')
      .set({ enabled: 0, disabled_reason: 'failing', updated_at: Math.floor(nowMs / 1000) })
      .where('id', '=', endpointId)
      .where('enabled', '=', 1)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** How many deliveries are pending (on every endpoint, enabled or not): the outbox's depth. */
  async pendingCount(): Promise<number> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Deletes delivered and failed deliveries created before `cutoffMs` (milliseconds; the audit
   * retention), with their attempts (by cascade). Pending ones stay. @returns how many.
   */
  async purge(cutoffMs: number): Promise<number> {
    const res = await this.db
      .deleteFrom('webhook_deliveries')
      .where('status', 'in', ['delivered', 'failed'])
      .where('created_at_ms', '<', cutoffMs)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
