/**
 * Deleting an environment (issue #19): everything in it goes in one transaction, its tokens are
 * revoked, and the deletion is audited server-wide (`environment.delete`, the environment's own
 * log goes with it from view). The last environment can't be deleted.
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, InvalidInput } from '../errors/domain-errors.js';
import { unitOfWork } from '../store/unit-of-work.js';
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
 * @throws NotFound (404) for an unknown environment; InvalidInput (400) when `confirm` is not the
 *   slug; Conflict (409) for the last environment.
 */
export async function deleteEnvironment(
  ctx: Context,
  actor: Actor,
  slug: string,
  confirm: string,
): Promise<EnvironmentDeleted> {
  const env = await requireEnvironment(ctx, slug);
  if (confirm !== slug) throw new InvalidInput("confirm must repeat the environment's slug");
  const now = nowSeconds(ctx.clock);
  return unitOfWork(ctx.store, async (uow) => {
    if ((await uow.environmentRemoval.count()) <= 1)
      throw new Conflict("the last environment can't be deleted: create another one first");
    const removed = await uow.environmentRemoval.deleteWithContents(env.id, now);
    for (const id of removed.integrationIds) {
      await uow.change('integration', id, now);
      await uow.change('revocation', `integration:${id}`, now);
    }
    await uow.change('environment', env.id, now);
    await uow.change('credential', env.id, now);
    const details = {
      name: env.name,
      integrations: removed.integrationIds.length,
      revoked_tokens: removed.revokedTokens,
    };
    await uow.audit(
      actor,
      { environmentId: null, action: 'environment.delete', target: slug, details },
      ctx.clock.now(),
    );
    return { slug, integrations: removed.integrationIds.length, revoked_tokens: removed.revokedTokens };
  });
}
