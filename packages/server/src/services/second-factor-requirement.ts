/**
 * Whether a second factor is required of an account, and whether it has one: the facts
 * `requireSecondFactor` (auth/second-factor.ts) decides on; and the environments' setting.
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { NotFound } from '../errors/domain-errors.js';
import { repositories } from '../store/unit-of-work.js';
import { command } from './command.js';
import { requireEnvironment } from './environments.js';
import type { SecondFactorFacts } from '../auth/second-factor.js';

/**
 * The facts the second-factor requirement of a session is decided on (auth/second-factor.ts), on
 * the account's current state: the server's setting, every environment of the account that
 * requires TOTP, and whether the account has a confirmed factor. Two reads.
 */
export async function secondFactorFacts(ctx: Context, accountId: string): Promise<SecondFactorFacts> {
  const factors = repositories(ctx.store).secondFactors;
  const [environmentsRequiring, factor] = await Promise.all([
    factors.environmentsRequiringTotpOf(accountId),
    factors.totpFactor(accountId),
  ]);
  return { serverRequires: ctx.config.requireTotp, environmentsRequiring, enrolled: factor?.confirmed ?? false };
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
