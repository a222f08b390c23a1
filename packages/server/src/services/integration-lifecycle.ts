/**
 * The credential side of an integration's life: rotate its secret (with an optional grace
 * period), revoke every token it holds, delete it. Each is bounded by the caller's authority
 * (auth/policy.ts) when a principal acts; the CLI acts as the operator.
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { recordChange } from '../store/repositories/change-log.js';
import { markSecretCreated } from '../store/repositories/integration-usage.js';
import { isSelf, requireManageable } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';
import { audit } from './audit.js';
import { requireIntegration } from './integration-lookup.js';
import { generateSecret, hashSecret } from './secrets.js';

/**
 * Issues a new secret. With `graceSeconds` > 0 the previous secret keeps working that long (and
 * reuse goes on); with 0 it stops at once and token reuse ends. At most one previous secret is kept.
 * `by` (absent: the CLI) rotating another integration's secret must be allowed to manage it (the
 * route has checked `integrations:secrets`); such a rotation is audited as acting on another
 * integration's credentials.
 * @returns the new secret, shown this once.
 * @throws NotFound; InsufficientScope (403) from the policy.
 */
export async function rotateSecret(ctx: Context, actor: Actor, clientId: string, graceSeconds = 0, slug?: string, by?: Principal): Promise<{ client_id: string; client_secret: string }> {
  const { env, client } = await requireIntegration(ctx, clientId, slug);
  const byOther = !!by && by.type === 'integration' && !isSelf(by, client);
  if (byOther) requireManageable(by, env, client);
  const now = nowSeconds(ctx.clock);
  const secret = generateSecret();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('integrations')
      .set((eb) => ({
        secret_hash: hashSecret(ctx.sealer.secretPepper, secret),
        previous_secret_hash: graceSeconds > 0 ? client.secretHash : null,
        previous_secret_expires_at: graceSeconds > 0 ? now + graceSeconds : null,
        secret_expires_at: null,
        ...(graceSeconds === 0 && { token_generation: eb('token_generation', '+', 1) }),
        updated_at: now,
      }))
      .where('id', '=', client.id)
      .execute();
    await markSecretCreated(trx, client.id, now);
    if (graceSeconds === 0) await trx.deleteFrom('token_reuse').where('integration_id', '=', client.id).execute();
    await recordChange(trx, ctx.store.dialect, 'integration', client.id, now);
    await audit(trx, actor, { environmentId: env.id, action: 'integration.rotate_secret', target: clientId, details: { grace_seconds: graceSeconds, ...(byOther && { other_integration_credentials: true }) } }, ctx.clock.now());
  });
  return { client_id: clientId, client_secret: secret };
}

/**
 * Revokes every unexpired token of the integration and ends reuse.
 * @returns how many tokens were revoked.
 * @throws NotFound; InsufficientScope (403) when `by` may not manage the integration.
 */
export async function revokeIntegrationTokens(ctx: Context, actor: Actor, clientId: string, slug?: string, by?: Principal): Promise<number> {
  const { env, client } = await requireIntegration(ctx, clientId, slug);
  if (by) requireManageable(by, env, client);
  const now = nowSeconds(ctx.clock);
  return ctx.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('issued_tokens')
      .set({ revoked_at: now })
      .where('integration_id', '=', client.id)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    await trx
      .updateTable('integrations')
      .set((eb) => ({ token_generation: eb('token_generation', '+', 1), updated_at: now }))
      .where('id', '=', client.id)
      .execute();
    await trx.deleteFrom('token_reuse').where('integration_id', '=', client.id).execute();
    await recordChange(trx, ctx.store.dialect, 'integration', client.id, now);
    await recordChange(trx, ctx.store.dialect, 'revocation', `integration:${client.id}`, now);
    await audit(trx, actor, { environmentId: env.id, action: 'integration.revoke_tokens', target: clientId }, ctx.clock.now());
    return Number(res.numUpdatedRows);
  });
}

/**
 * Deletes an integration, its grants and its reusable tokens; its issued tokens are revoked.
 * @throws NotFound; InsufficientScope (403) when `by` may not manage the integration.
 */
export async function deleteIntegration(ctx: Context, actor: Actor, clientId: string, slug?: string, by?: Principal): Promise<void> {
  const { env, client } = await requireIntegration(ctx, clientId, slug);
  if (by) requireManageable(by, env, client);
  const now = nowSeconds(ctx.clock);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('issued_tokens').set({ revoked_at: now }).where('integration_id', '=', client.id).where('revoked_at', 'is', null).execute();
    await trx.deleteFrom('token_reuse').where('integration_id', '=', client.id).execute();
    await trx.deleteFrom('integrations').where('id', '=', client.id).execute();
    await recordChange(trx, ctx.store.dialect, 'integration', client.id, now);
    await recordChange(trx, ctx.store.dialect, 'revocation', `integration:${client.id}`, now);
    await audit(trx, actor, { environmentId: env.id, action: 'integration.delete', target: clientId }, ctx.clock.now());
  });
}
