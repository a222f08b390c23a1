/**
 * Deleting an environment (issue #19): everything in it goes in one transaction, its tokens are
 * revoked, and the deletion is audited server-wide (`environment.delete`, the environment's own
 * log goes with it from view). The last environment can't be deleted.
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, InvalidInput, NotFound } from '../errors/domain-errors.js';
import { command } from './command.js';

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
  if (confirm !== slug) throw new InvalidInput("confirm must repeat the environment's slug");
  const now = nowSeconds(ctx.clock);
  // Every environment's row is locked first (the count), then the one deleted is read: decided on
  // what is there in the transaction (docs/security.md K-100).
  return command(ctx, async (uow) => {
    const count = await uow.environmentRemoval.count();
    const env = await uow.environments.load('slug', slug, ctx.config.audience);
    if (!env) throw new NotFound('environment');
    if (count <= 1) throw new Conflict("the last environment can't be deleted: create another one first");
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
