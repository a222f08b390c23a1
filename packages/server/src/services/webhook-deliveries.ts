/**
 * The delivery log of a webhook endpoint (issue #28): what was sent, when, and how the receiver
 * answered; a test event for one endpoint (`webhook.test`); and redelivery of one message (the
 * same `webhook-id` and body, due again now). Reading is `webhook.read`, the two commands
 * `webhook.write` (server-wide: `…_server`), each command audited in its unit of work.
 * @packageDocumentation
 */
import type { WebhookDelivery } from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import type { Principal } from '../auth/principal.js';
import { Conflict, InvalidInput, NotFound } from '../errors/domain-errors.js';
import type { DeliveryCursor, WebhookDeliveryRecord } from '../store/repositories/webhook-delivery-log.js';
import { repositories } from '../store/unit-of-work.js';
import { changeEndpoint, endpointIn, webhookScope } from './webhook-scope.js';

/** A page of the log and the cursor of the next (older) one, null at the end. */
export interface WebhookDeliveryPage {
  items: WebhookDelivery[];
  next_cursor: string | null;
}

/** The message a test event carries. */
export const TEST_EVENT_MESSAGE = 'Test event from Gatehouse';

const CURSOR = /^(\d{1,16})\.(msg_[\w-]{1,40})$/;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The wire form of a delivery. */
export function webhookDeliveryDto(d: WebhookDeliveryRecord): WebhookDelivery {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.status === 'pending' ? iso(d.nextAttemptAtMs) : null,
    last_attempt_at: iso(d.lastAttemptAtMs),
    last_status_code: d.lastStatusCode,
    last_latency_ms: d.lastLatencyMs,
    last_error: d.lastError,
    delivered_at: iso(d.deliveredAtMs),
    created_at: iso(d.createdAtMs)!,
    recent_attempts: d.recentAttempts.map((a) => ({
      attempted_at: iso(a.attemptedAtMs)!,
      status_code: a.statusCode,
      latency_ms: a.latencyMs,
      error: a.error,
    })),
  };
}

/** The position after which a page starts. @throws InvalidInput (400) for a cursor this API did not make. */
function parseCursor(cursor: string | undefined): DeliveryCursor | undefined {
  if (cursor === undefined) return undefined;
  const match = CURSOR.exec(cursor);
  if (!match) throw new InvalidInput('cursor: is not one this API returned');
  return { eventAtMs: Number(match[1]), id: match[2]! };
}

/**
 * Up to `limit` (1–100) deliveries of endpoint `id` of environment `slug` (null: server-wide),
 * newest first, after `cursor` (`next_cursor` of the previous page), each with its 5 newest attempts.
 * @throws InvalidInput (400) for a bad limit or cursor; NotFound (404); 403 from the policy.
 */
export async function listWebhookDeliveries(
  ctx: Context,
  slug: string | null,
  id: string,
  limit = 20,
  cursor?: string,
  by?: Principal,
): Promise<WebhookDeliveryPage> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidInput('limit must be 1 to 100');
  const after = parseCursor(cursor);
  const repos = repositories(ctx.store);
  const scope = await webhookScope(ctx, repos, slug, 'read', by);
  const endpoint = await endpointIn(repos, scope, id);
  const rows = await repos.webhookDeliveryLog.page(endpoint.id, limit + 1, after);
  const items = rows.slice(0, limit);
  const last = rows.length > limit ? items[items.length - 1] : undefined;
  return { items: items.map(webhookDeliveryDto), next_cursor: last ? `${last.eventAtMs}.${last.id}` : null };
}

/**
 * Queues a test event (`webhook.test`) for endpoint `id` only, due now:
 * `{"type":"webhook.test","timestamp":…,"data":{"endpoint":…,"environment":…,"message":…}}`.
 * @returns the delivery queued.
 * @throws Conflict (409) for a disabled endpoint (nothing is sent to it); NotFound (404); 403.
 */
export async function sendWebhookTest(
  ctx: Context,
  actor: Actor,
  slug: string | null,
  id: string,
  by?: Principal,
): Promise<WebhookDelivery> {
  return changeEndpoint(ctx, actor, { slug, id, by }, 'webhook.test', async (uow, scope, endpoint, nowMs) => {
    if (!endpoint.enabled) throw new Conflict('this endpoint is disabled: enable it to send it a test event');
    const body = JSON.stringify({
      type: 'webhook.test',
      timestamp: new Date(nowMs).toISOString(),
      data: { endpoint: endpoint.id, environment: scope.slug, message: TEST_EVENT_MESSAGE },
    });
    const delivery = await uow.webhookDeliveryLog.enqueueTest(endpoint.id, body, nowMs);
    return { result: webhookDeliveryDto(delivery), details: { delivery: delivery.id } };
  });
}

/**
 * Sends delivery `deliveryId` of endpoint `id` again: pending, due now, with the same
 * `webhook-id` and body (its attempts so far stay in the log).
 * @returns the delivery as it is now.
 * @throws Conflict (409) while a node is sending it (its lease runs); NotFound (404) for an
 *   unknown endpoint or delivery; 403 from the policy.
 */
export async function redeliverWebhook(
  ctx: Context,
  actor: Actor,
  slug: string | null,
  id: string,
  deliveryId: string,
  by?: Principal,
): Promise<WebhookDelivery> {
  return changeEndpoint(ctx, actor, { slug, id, by }, 'webhook.redeliver', async (uow, _scope, endpoint, nowMs) => {
    const delivery = await uow.webhookDeliveryLog.lock(endpoint.id, deliveryId);
    if (!delivery) throw new NotFound('webhook delivery');
    if (delivery.status === 'pending' && delivery.leaseUntilMs !== null && delivery.leaseUntilMs >= nowMs)
      throw new Conflict('this delivery is being sent now: wait for the attempt to end');
    await uow.webhookDeliveryLog.redeliver(endpoint.id, deliveryId, nowMs);
    return {
      result: webhookDeliveryDto((await uow.webhookDeliveryLog.get(endpoint.id, deliveryId))!),
      details: { delivery: deliveryId, status: delivery.status },
    };
  });
}
