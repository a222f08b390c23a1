/**
 * The credential side of an integration's life: rotate its secret (with an optional grace
 * period), revoke every token it holds, delete it. Each is bounded by the caller's authority
 * (auth/policy.ts) when a principal acts; the CLI acts as the operator.
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { authorize } from '../auth/decide.js';
import { isSelf } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';
import { lockIntegration } from './integration-lookup.js';
import { command } from './command.js';
import { generateSecret, hashSecret } from './secrets.js';

/**
 * Issues a new secret. With `graceSeconds` > 0 the previous secret keeps working that long (and
 * reuse goes on); with 0 it stops at once and token reuse ends. At most one previous secret is kept.
 * `by` (absent: the CLI) rotating another integration's secret must be allowed to manage it (the
 * route has checked `integrations:secrets`); such a rotation is audited as acting on another
 * integration's credentials.
 * @returns the new secret, shown this once.
 * @throws NotFound; InsufficientScope (403) from the policy; Conflict (409) for a key-only integration
 *   (no secret: it authenticates with `private_key_jwt`).
 */
export async function rotateSecret(
  ctx: Context,
  actor: Actor,
  clientId: string,
  graceSeconds = 0,
  slug?: string,
  by?: Principal,
): Promise<{ client_id: string; client_secret: string }> {
  const now = nowSeconds(ctx.clock);
  const secret = generateSecret();
  // Decided on the integration as it is in the transaction (docs/security.md K-100): of two
  // rotations at once, the second keeps the first one's secret as the previous one.
  await command(ctx, async (uow) => {
    const { env, client } = await lockIntegration(ctx, uow, clientId, slug);
    // A member (a developer) rotates only secrets of integrations within its grant limit, like an
    // integration; a key-only integration has no secret to rotate (409).
    authorize(by, 'integration.rotate_secret', { env, integration: client });
    const byOther = !!by && (by.type === 'integration' || by.type === 'member') && !isSelf(by, client);
    await uow.integrations.update(
      client.id,
      {
        secret_hash: hashSecret(ctx.sealer.secretPepper, secret),
        previous_secret_hash: graceSeconds > 0 ? client.secretHash : null,
        previous_secret_expires_at: graceSeconds > 0 ? now + graceSeconds : null,
        secret_expires_at: null,
      },
      now,
      graceSeconds === 0,
    );
    await uow.integrationUsage.markSecretCreated(client.id, now);
    if (graceSeconds === 0) await uow.integrations.endReuse(client.id);
    await uow.change('integration', client.id, now);
    await uow.audit(
      actor,
      {
        environmentId: env.id,
        action: 'integration.rotate_secret',
        target: clientId,
        details: { grace_seconds: graceSeconds, ...(byOther && { other_integration_credentials: true }) },
      },
      ctx.clock.now(),
    );
  });
  return { client_id: clientId, client_secret: secret };
}

/**
 * Revokes every unexpired token of the integration and ends reuse.
 * @returns how many tokens were revoked.
 * @throws NotFound; InsufficientScope (403) when `by` may not manage the integration.
 */
export async function revokeIntegrationTokens(
  ctx: Context,
  actor: Actor,
  clientId: string,
  slug?: string,
  by?: Principal,
): Promise<number> {
  const now = nowSeconds(ctx.clock);
  return command(ctx, async (uow) => {
    const { env, client } = await lockIntegration(ctx, uow, clientId, slug);
    authorize(by, 'integration.revoke_tokens', { env, integration: client });
    const revoked = await uow.tokens.revokeOfIntegration(client.id, now, { unexpiredOnly: true });
    await uow.integrations.update(client.id, {}, now, true);
    await uow.integrations.endReuse(client.id);
    await uow.change('integration', client.id, now);
    await uow.change('revocation', `integration:${client.id}`, now);
    await uow.audit(
      actor,
      { environmentId: env.id, action: 'integration.revoke_tokens', target: clientId },
      ctx.clock.now(),
    );
    return revoked;
  });
}

/**
 * Deletes an integration, its grants and its reusable tokens; its issued tokens are revoked.
 * @throws NotFound; InsufficientScope (403) when `by` may not manage the integration.
 */
export async function deleteIntegration(
  ctx: Context,
  actor: Actor,
  clientId: string,
  slug?: string,
  by?: Principal,
): Promise<void> {
  const now = nowSeconds(ctx.clock);
  await command(ctx, async (uow) => {
    const { env, client } = await lockIntegration(ctx, uow, clientId, slug);
    authorize(by, 'integration.delete', { env, integration: client });
    await uow.tokens.revokeOfIntegration(client.id, now, { unexpiredOnly: false });
    await uow.integrations.delete(client.id);
    await uow.change('integration', client.id, now);
    await uow.change('revocation', `integration:${client.id}`, now);
    await uow.audit(actor, { environmentId: env.id, action: 'integration.delete', target: clientId }, ctx.clock.now());
  });
}
