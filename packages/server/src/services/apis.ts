/**
 * APIs (resource servers) of an environment: the built-in Environment API plus the tenant's own,
 * each an `audience` with its scopes.
 * @packageDocumentation
 */
import { isScopeValue, type Api, type ApiCreate } from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, InvalidInput } from '../errors/domain-errors.js';
import type { ApiRecord } from '../store/repositories/environments.js';
import { isUniqueViolation } from '../store/repositories/queryable.js';
import { command } from './command.js';
import { lockEnvironment, requireEnvironment } from './environments.js';
import { generateId } from './secrets.js';
import { findApi } from './api-changes.js';

/** The wire form of an API. */
export function apiDto(api: ApiRecord): Api {
  return {
    id: api.id,
    name: api.name,
    audience: api.audience,
    built_in: api.builtIn,
    scopes: api.scopes,
    created_at: new Date(api.createdAt * 1000).toISOString(),
  };
}

/** The APIs of an environment, the Environment API first. */
export async function listApis(ctx: Context, slug: string): Promise<Api[]> {
  const env = await requireEnvironment(ctx, slug);
  return [env.environmentApi, ...env.apis.filter((a) => !a.builtIn)].map(apiDto);
}

/**
 * Registers an API in environment `slug`.
 * @throws InvalidInput (400) for a bad audience or repeated scope, 409 when the audience is taken there.
 */
export async function createApi(ctx: Context, actor: Actor, slug: string, input: ApiCreate): Promise<Api> {
  if (!URL.canParse(input.audience) && !/^[\w.:-]+$/.test(input.audience))
    throw new InvalidInput('audience must be a URI');
  const values = input.scopes.map((s) => s.value);
  const bad = values.find((v) => !isScopeValue(v));
  if (bad !== undefined)
    throw new InvalidInput(
      `scopes: ${JSON.stringify(bad)} is not a scope (1-200 printable characters without spaces, quotes or backslashes)`,
    );
  if (new Set(values).size !== values.length) throw new InvalidInput('scopes are repeated');
  const now = nowSeconds(ctx.clock);
  const id = `api_${generateId(12)}`;
  try {
    return await command(ctx, async (uow) => {
      const env = await lockEnvironment(ctx, uow, slug);
      // The Environment API's audience follows the config (H-80), so its stored row can't catch this.
      if (input.audience === env.environmentApi.audience)
        throw new Conflict('an API with this audience exists in the environment');
      await uow.environments.insertApi(
        { id, environment_id: env.id, name: input.name, audience: input.audience, built_in: 0, created_at: now },
        input.scopes.map((s) => ({ value: s.value, description: s.description ?? '' })),
      );
      await uow.change('api', env.id, now);
      await uow.audit(actor, { environmentId: env.id, action: 'api.create', target: input.audience }, ctx.clock.now());
      const written = (await uow.environments.load('id', env.id, ctx.config.audience))!;
      return apiDto(findApi(written, id));
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('an API with this audience exists in the environment');
    throw err;
  }
}

/**
 * The API of environment `slug` named by `ref` (its id or audience).
 * @throws NotFound (404) for an unknown environment or API.
 */
export async function getApi(ctx: Context, slug: string, ref: string): Promise<Api> {
  return apiDto(findApi(await requireEnvironment(ctx, slug), ref));
}

export { deleteApi, findApi, updateApi, type ApiChangeResult } from './api-changes.js';
