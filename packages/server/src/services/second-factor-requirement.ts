/**
 * Whether a second factor is required of an account for a request, and whether it has one:
 * the facts `requireSecondFactor` (auth/policy.ts) decides on.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { environmentRequiresTotp, findTotpFactor, setEnvironmentRequiresTotp } from '../store/repositories/second-factors.js';
import type { Actor } from '../context.js';
import { NotFound } from '../errors/api-error.js';
import { audit } from './audit.js';

/**
 * @param env - the slug of the environment the request acts in, if any.
 * @returns `required`: server-wide or by that environment; `enrolled`: a confirmed TOTP factor.
 */
export async function secondFactorState(ctx: Context, accountId: string, env: string | undefined): Promise<{ required: boolean; enrolled: boolean }> {
  const required = ctx.config.requireTotp || (env !== undefined && env.length <= 64 && (await environmentRequiresTotp(ctx.db, env)));
  if (!required) return { required, enrolled: false };
  return { required, enrolled: (await findTotpFactor(ctx.db, accountId))?.confirmed ?? false };
}

/**
 * Sets whether members of an environment must have TOTP to act in it.
 * @throws NotFound (404) when there is no such environment.
 */
export async function setRequireTotp(ctx: Context, actor: Actor, env: string, required: boolean): Promise<void> {
  if (!(await setEnvironmentRequiresTotp(ctx.db, env, required))) throw new NotFound('environment');
  await audit(ctx.db, actor, { environmentId: null, action: 'environment.require_totp', target: `${env}:${required ? 'on' : 'off'}` }, ctx.clock.now());
}
