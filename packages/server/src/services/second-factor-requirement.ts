/**
 * Whether a second factor is required of an account for a request, and whether it has one:
 * the facts `requireSecondFactor` (auth/policy.ts) decides on.
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { NotFound } from '../errors/domain-errors.js';
import { repositories } from '../store/unit-of-work.js';
import { command } from './command.js';
import { requireEnvironment } from './environments.js';

/**
 * @param env - the slug of the environment the request acts in, if any.
 * @returns `required`: server-wide or by that environment; `enrolled`: a confirmed TOTP factor.
 */
export async function secondFactorState(
  ctx: Context,
  accountId: string,
  env: string | undefined,
): Promise<{ required: boolean; enrolled: boolean }> {
  const factors = repositories(ctx.store).secondFactors;
  const required =
    ctx.config.requireTotp || (env !== undefined && env.length <= 64 && (await factors.environmentRequiresTotp(env)));
  if (!required) return { required, enrolled: false };
  return { required, enrolled: (await factors.totpFactor(accountId))?.confirmed ?? false };
}

/**
 * The slugs of the environments a member account belongs to that require TOTP (by slug): with no
 * confirmed factor, a password session of the account is refused there (`totp_required`).
 */
export async function environmentsRequiringTotp(ctx: Context, accountId: string): Promise<string[]> {
  return repositories(ctx.store).secondFactors.environmentsRequiringTotpOf(accountId);
}

/**
 * Sets whether members of an environment must have TOTP to act in it.
 * @throws NotFound (404) when there is no such environment.
 */
export async function setRequireTotp(ctx: Context, actor: Actor, env: string, required: boolean): Promise<void> {
  const { id } = await requireEnvironment(ctx, env);
  await command(ctx, async (uow) => {
    if (!(await uow.secondFactors.setEnvironmentRequiresTotp(env, required))) throw new NotFound('environment');
    // The environment's record (its `require_totp`) changed: caches reload it.
    await uow.change('environment', id, nowSeconds(ctx.clock));
    await uow.audit(
      actor,
      { environmentId: id, action: 'environment.require_totp', target: `${env}:${required ? 'on' : 'off'}` },
      ctx.clock.now(),
    );
  });
}
