/**
 * Webhook endpoints (issue #28, docs/security.md N-120…N-124): where an environment's audit events
 * (or, server-wide, every event) are POSTed, signed per Standard Webhooks. An environment's are its
 * owners' and admins' (and management tokens': `audit:read` reads, `webhooks:write` writes); the
 * server-wide ones operators'. Every change is a command (decided on locked rows in its unit of
 * work, K-100) with its audit event (`webhook.create|update|remove|rotate_secret`, never a secret).
 * The signing secret is shown once, in the answers of creation and rotation, and stored only
 * sealed with the master key (aad: the endpoint's id; N-124).
 * @packageDocumentation
 */
import {
  DEFAULT_WEBHOOK_GRACE_SECONDS,
  MAX_WEBHOOK_ENDPOINTS,
  MAX_WEBHOOK_GRACE_SECONDS,
  type WebhookEndpoint,
  type WebhookEndpointCreate,
  type WebhookEndpointUpdate,
  type WebhookEndpointWithSecret,
} from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import type { Principal } from '../auth/principal.js';
import { Conflict, InvalidInput } from '../errors/domain-errors.js';
import type { WebhookEndpointPatch, WebhookEndpointRecord } from '../store/repositories/webhook-endpoints.js';
import { generateTimeOrderedId } from './secrets.js';
import { repositories } from '../store/unit-of-work.js';
import { fieldChanges } from './audit-changes.js';
import { command } from './command.js';
import {
  checkEventPatterns,
  checkWebhookUrl,
  DEFAULT_WEBHOOK_EVENTS,
  generateWebhookSecret,
  webhookAllowedHosts,
} from './webhook-policy.js';
import { changeEndpoint, endpointIn, webhookEndpointDto, webhookScope } from './webhook-scope.js';

export { webhookEndpointDto } from './webhook-scope.js';
export { withWebhookAllowedHosts } from './webhook-policy.js';

/** What an endpoint's audit events record of it (never its secret). */
const recorded = (e: Pick<WebhookEndpointRecord, 'url' | 'events' | 'enabled'>) => ({
  url: e.url,
  events: e.events,
  enabled: e.enabled,
});

/**
 * The endpoints of environment `slug` (null: the server-wide ones), oldest first.
 * @throws NotFound (404) for an unknown environment; 403 from the policy.
 */
export async function listWebhookEndpoints(
  ctx: Context,
  slug: string | null,
  by?: Principal,
): Promise<WebhookEndpoint[]> {
  const repos = repositories(ctx.store);
  const scope = await webhookScope(ctx, repos, slug, 'read', by);
  return (await repos.webhookEndpoints.list(scope.environmentId)).map((e) => webhookEndpointDto(e, scope.slug));
}

/**
 * Endpoint `id` of environment `slug` (null: server-wide).
 * @throws NotFound (404) for an unknown environment or endpoint, or another environment's; 403 from the policy.
 */
export async function getWebhookEndpoint(
  ctx: Context,
  slug: string | null,
  id: string,
  by?: Principal,
): Promise<WebhookEndpoint> {
  const repos = repositories(ctx.store);
  const scope = await webhookScope(ctx, repos, slug, 'read', by);
  return webhookEndpointDto(await endpointIn(repos, scope, id), scope.slug);
}

/**
 * Adds an endpoint to environment `slug` (null: server-wide), enabled unless `enabled` is false,
 * getting every event (`["*"]`) unless `events` narrows them.
 * @returns the endpoint with its new secret (`whsec_…`), shown this once.
 * @throws InvalidInput (400) for a URL or pattern {@link checkWebhookUrl} / {@link checkEventPatterns}
 *   refuse; Conflict (409) beyond {@link MAX_WEBHOOK_ENDPOINTS}; NotFound (404); 403 from the policy.
 */
export async function createWebhookEndpoint(
  ctx: Context,
  actor: Actor,
  slug: string | null,
  input: WebhookEndpointCreate,
  by?: Principal,
): Promise<WebhookEndpointWithSecret> {
  checkWebhookUrl(input.url, webhookAllowedHosts(ctx.config));
  const events = checkEventPatterns(input.events ?? DEFAULT_WEBHOOK_EVENTS);
  const nowMs = ctx.clock.now();
  const now = nowSeconds(ctx.clock);
  const secret = generateWebhookSecret();
  return command(ctx, async (uow) => {
    const scope = await webhookScope(ctx, uow, slug, 'write', by);
    await uow.webhookEndpoints.lockScope(scope.environmentId);
    if ((await uow.webhookEndpoints.count(scope.environmentId)) >= MAX_WEBHOOK_ENDPOINTS)
      throw new Conflict(
        `${scope.slug === null ? 'the server has' : 'an environment has'} at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints: remove one first`,
      );
    const id = `whk_${generateTimeOrderedId(nowMs, 10)}`;
    const enabled = input.enabled ?? true;
    await uow.webhookEndpoints.insert({
      id,
      environment_id: scope.environmentId,
      url: input.url,
      events: JSON.stringify(events),
      enabled: enabled ? 1 : 0,
      disabled_reason: null,
      secret_enc: ctx.sealer.seal(secret, id),
      previous_secret_enc: null,
      previous_expires_at: null,
      failing_since_ms: null,
      created_at: now,
      updated_at: now,
    });
    const written = (await uow.webhookEndpoints.get(scope.environmentId, id))!;
    await uow.audit(
      actor,
      { environmentId: scope.environmentId, action: 'webhook.create', target: id, details: recorded(written) },
      nowMs,
    );
    return { ...webhookEndpointDto(written, scope.slug), secret };
  });
}

/**
 * Changes endpoint `id`'s URL, events or enabled state; enabling clears `disabled_reason` and
 * `failing_since` (its pending deliveries resume). The audit event records the before and after.
 * @throws InvalidInput (400) as {@link createWebhookEndpoint}; NotFound (404); 403 from the policy.
 */
export async function updateWebhookEndpoint(
  ctx: Context,
  actor: Actor,
  slug: string | null,
  id: string,
  input: WebhookEndpointUpdate,
  by?: Principal,
): Promise<WebhookEndpoint> {
  if (input.url !== undefined) checkWebhookUrl(input.url, webhookAllowedHosts(ctx.config));
  const events = input.events === undefined ? undefined : checkEventPatterns(input.events);
  return changeEndpoint(ctx, actor, { slug, id, by }, 'webhook.update', async (uow, scope, before) => {
    const patch: WebhookEndpointPatch = {};
    if (input.url !== undefined) patch.url = input.url;
    if (events !== undefined) patch.events = JSON.stringify(events);
    if (input.enabled !== undefined) {
      patch.enabled = input.enabled ? 1 : 0;
      // Enabled again, or disabled by a person: no longer the server's "failing" stop.
      patch.disabled_reason = null;
      if (input.enabled) patch.failing_since_ms = null;
    }
    await uow.webhookEndpoints.update(id, patch, nowSeconds(ctx.clock));
    const after = (await uow.webhookEndpoints.get(scope.environmentId, id))!;
    return {
      result: webhookEndpointDto(after, scope.slug),
      details: { changes: fieldChanges(recorded(before), recorded(after)) },
    };
  });
}

/**
 * Removes endpoint `id` with its delivery log (pending deliveries are never sent).
 * @throws NotFound (404); 403 from the policy.
 */
export async function removeWebhookEndpoint(
  ctx: Context,
  actor: Actor,
  slug: string | null,
  id: string,
  by?: Principal,
): Promise<void> {
  await changeEndpoint(ctx, actor, { slug, id, by }, 'webhook.remove', async (uow, scope, endpoint) => {
    await uow.webhookEndpoints.remove(scope.environmentId, id);
    return { result: undefined, details: recorded(endpoint) };
  });
}

/**
 * Gives endpoint `id` a new signing secret; the one it replaces also signs (a second
 * `webhook-signature`) for `graceSeconds` more (default {@link DEFAULT_WEBHOOK_GRACE_SECONDS}, at
 * most {@link MAX_WEBHOOK_GRACE_SECONDS}), so receivers switch without losing a message. A
 * previous secret of an earlier rotation stops signing at once.
 * @returns the endpoint with its new secret, shown this once.
 * @throws InvalidInput (400) for a grace period out of range; NotFound (404); 403 from the policy.
 */
export async function rotateWebhookSecret(
  ctx: Context,
  actor: Actor,
  slug: string | null,
  id: string,
  graceSeconds: number = DEFAULT_WEBHOOK_GRACE_SECONDS,
  by?: Principal,
): Promise<WebhookEndpointWithSecret> {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_WEBHOOK_GRACE_SECONDS)
    throw new InvalidInput(`grace_seconds must be 0 to ${MAX_WEBHOOK_GRACE_SECONDS}`);
  const now = nowSeconds(ctx.clock);
  const secret = generateWebhookSecret();
  return changeEndpoint(ctx, actor, { slug, id, by }, 'webhook.rotate_secret', async (uow, scope) => {
    await uow.webhookEndpoints.rotateSecret(id, ctx.sealer.seal(secret, id), now + graceSeconds, now);
    const written = (await uow.webhookEndpoints.get(scope.environmentId, id))!;
    return {
      result: { ...webhookEndpointDto(written, scope.slug), secret },
      details: { grace_seconds: graceSeconds },
    };
  });
}
