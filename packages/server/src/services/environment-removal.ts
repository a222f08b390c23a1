/**
 * Deleting an environment (issue #19): everything in it goes in one transaction, its tokens are
 * revoked, and the deletion is audited server-wide (`environment.delete`, the environment's own
 * log goes with it from view). The last environment can't be deleted.
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { ApiError } from '../errors/api-error.js';
import { recordChange } from '../store/repositories/change-log.js';
import { countEnvironments, deleteEnvironmentRows } from '../store/repositories/environment-removal.js';
import { audit } from './audit.js';
import { requireEnvironment } from './environments.js';

/** What a deletion removed: the integrations (by count) and the tokens revoked. */
export interface EnvironmentDeleted {
  slug: string;
  integrations: number;
  revoked_tokens: number;
}

/**
 * Deletes environment `slug` with its APIs, integrations, customers, keys and content; its
 * unexpired tokens are revoked. `confirm` must repeat the slug (a typed confirmation).
 * @throws NotFound (404) for an unknown environment; ApiError 400 `invalid_request` when `confirm`
 *   is not the slug; ApiError 409 `conflict` for the last environment.
 */
export async function deleteEnvironment(ctx: Context, actor: Actor, slug: string, confirm: string): Promise<EnvironmentDeleted> {
  const env = await requireEnvironment(ctx, slug);
  if (confirm !== slug) throw new ApiError(400, 'invalid_request', 'confirm must repeat the environment\'s slug');
  const now = nowSeconds(ctx.clock);
  return ctx.db.transaction().execute(async (trx) => {
    if ((await countEnvironments(trx)) <= 1) throw new ApiError(409, 'conflict', "the last environment can't be deleted: create another one first");
    const removed = await deleteEnvironmentRows(trx, env.id, now);
    for (const id of removed.integrationIds) {
      await recordChange(trx, ctx.store.dialect, 'integration', id, now);
      await recordChange(trx, ctx.store.dialect, 'revocation', `integration:${id}`, now);
    }
    await recordChange(trx, ctx.store.dialect, 'environment', env.id, now);
    await recordChange(trx, ctx.store.dialect, 'credential', env.id, now);
    const details = { name: env.name, integrations: removed.integrationIds.length, revoked_tokens: removed.revokedTokens };
    await audit(trx, actor, { environmentId: null, action: 'environment.delete', target: slug, details }, ctx.clock.now());
    return { slug, integrations: removed.integrationIds.length, revoked_tokens: removed.revokedTokens };
  });
}
