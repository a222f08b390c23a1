/**
 * Where a webhook command acts (issue #28): an environment's endpoints (owners, admins, management
 * tokens) or the server-wide ones (operators), and the endpoint it names found only there — an
 * endpoint of another environment reads as absent (N-123). Shared by services/webhooks.ts and
 * services/webhook-deliveries.ts.
 * @packageDocumentation
 */
import type { Action, WebhookEndpoint } from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { authorize } from '../auth/decide.js';
import type { Principal } from '../auth/principal.js';
import { NotFound } from '../errors/domain-errors.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { Repositories } from '../store/repositories/index.js';
import type { WebhookEndpointRecord } from '../store/repositories/webhook-endpoints.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { command } from './command.js';

/** An environment's endpoints, or (`env` null) the server-wide ones. */
export interface WebhookScope {
  /** null: server-wide. */
  env: EnvironmentRecord | null;
  /** The environment's id, null for server-wide. */
  environmentId: string | null;
  /** The environment's slug, null for server-wide. */
  slug: string | null;
}

/**
 * The scope `slug` names (null: server-wide), read through `repos` (a unit of work's, to decide in
 * it), with `by` allowed the read or write action there (`principal` undefined: the CLI).
 * @throws NotFound (404) for an unknown environment; the refusal of `decide` (403/404).
 */
export async function webhookScope(
  ctx: Context,
  repos: Repositories,
  slug: string | null,
  access: 'read' | 'write',
  by?: Principal,
): Promise<WebhookScope> {
  if (slug === null) {
    authorize(by, access === 'read' ? 'webhook.read_server' : 'webhook.write_server');
    return { env: null, environmentId: null, slug: null };
  }
  const env = await repos.environments.load('slug', slug, ctx.config.audience);
  if (!env) throw new NotFound('environment');
  const action: Action = access === 'read' ? 'webhook.read' : 'webhook.write';
  authorize(by, action, { env });
  return { env, environmentId: env.id, slug: env.slug };
}

/**
 * Endpoint `id` of `scope`, read (or, with `lock`, locked in the unit of work `repos` belongs to).
 * @throws NotFound (404) `webhook endpoint not found`, also for another environment's endpoint.
 */
export async function endpointIn(
  repos: Repositories,
  scope: WebhookScope,
  id: string,
  lock = false,
): Promise<WebhookEndpointRecord> {
  const found = lock
    ? await repos.webhookEndpoints.lock(scope.environmentId, id)
    : await repos.webhookEndpoints.get(scope.environmentId, id);
  if (!found) throw new NotFound('webhook endpoint');
  return found;
}

/** What a change of one endpoint answers, and what its audit event records of it (never a secret). */
export interface EndpointChange<T> {
  result: T;
  details: Record<string, unknown>;
}

/**
 * A command on endpoint `id` of environment `slug` (null: server-wide), decided inside its unit of
 * work (K-100): the scope read and `by` allowed to write there, the endpoint's row locked, then
 * `work` changes it and says what to record; the audit event `action` (target: the endpoint)
 * commits with the change. `nowMs`: the command's time, milliseconds.
 * @returns what `work` returned, once committed.
 * @throws NotFound (404) for an unknown environment or endpoint, or another environment's; 403
 *   from the policy; whatever `work` throws (nothing is written then).
 */
export function changeEndpoint<T>(
  ctx: Context,
  actor: Actor,
  target: { slug: string | null; id: string; by?: Principal | undefined },
  action: `webhook.${string}`,
  work: (
    uow: UnitOfWork,
    scope: WebhookScope,
    endpoint: WebhookEndpointRecord,
    nowMs: number,
  ) => Promise<EndpointChange<T>>,
): Promise<T> {
  const nowMs = ctx.clock.now();
  return command(ctx, async (uow) => {
    const scope = await webhookScope(ctx, uow, target.slug, 'write', target.by);
    const endpoint = await endpointIn(uow, scope, target.id, true);
    const { result, details } = await work(uow, scope, endpoint, nowMs);
    await uow.audit(actor, { environmentId: scope.environmentId, action, target: endpoint.id, details }, nowMs);
    return result;
  });
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The wire form of an endpoint of the environment `slug` (null: server-wide): never its secret. */
export function webhookEndpointDto(e: WebhookEndpointRecord, slug: string | null): WebhookEndpoint {
  return {
    id: e.id,
    environment: slug,
    url: e.url,
    events: [...e.events],
    enabled: e.enabled,
    disabled_reason: e.disabledReason === 'failing' ? 'failing' : null,
    failing_since: iso(e.failingSinceMs),
    previous_secret_expires_at: e.previousExpiresAt === null ? null : iso(e.previousExpiresAt * 1000),
    created_at: iso(e.createdAt * 1000)!,
    updated_at: iso(e.updatedAt * 1000)!,
  };
}
