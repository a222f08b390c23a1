/**
 * Changing and deleting registered APIs. A scope taken off an API is taken out of every grant
 * that holds it, with the semantics of a grant reduction (services/integrations.ts): the holders'
 * token reuse ends and their unexpired tokens for the API are revoked unless `keep_tokens`
 * (resource servers verify tokens locally and can't see the reduction). The built-in Environment
 * API is fixed: it can't be renamed, changed or deleted.
 * @packageDocumentation
 */
import { isScopeValue, type Api, type ApiUpdate } from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, InvalidInput, NotFound } from '../errors/domain-errors.js';
import type { ApiRecord, EnvironmentRecord } from '../store/repositories/environments.js';
import { apiDto } from './apis.js';
import { lockEnvironment } from './environments.js';
import { command } from './command.js';

/**
 * The API of `env` named by `ref`: its id (`api_…`) or its audience.
 * @throws NotFound (404 `not_found`) when the environment has no such API.
 */
export function findApi(env: EnvironmentRecord, ref: string): ApiRecord {
  const api = env.apiById.get(ref) ?? env.apiByAudience.get(ref);
  if (!api) throw new NotFound('API');
  return api;
}

function refuseBuiltIn(api: ApiRecord, what: string): void {
  if (api.builtIn) throw new Conflict(`the Environment API is built in: it can't be ${what}`);
}

/** What an API change did, for the audit log and the answer. */
export interface ApiChangeResult {
  /** Scopes taken off the API (and out of every grant). */
  removedScopes: string[];
  /** client_ids of the integrations whose grants lost a scope. */
  affectedIntegrations: string[];
  /** Unexpired tokens revoked for the API's audience. */
  revokedTokens: number;
}

/**
 * Renames API `ref` of environment `slug` and/or replaces its scopes (`patch.scopes`: the whole
 * new list, in display order). Removed scopes leave every grant; the holders' tokens for this API
 * are revoked unless `patch.keep_tokens`. Audited as `api.update` with what changed.
 * @throws NotFound (404) for an unknown environment or API; Conflict (409) for the Environment
 *   API; InvalidInput (400) for an empty patch, a bad name or scope, or repeated scopes.
 */
export async function updateApi(
  ctx: Context,
  actor: Actor,
  slug: string,
  ref: string,
  patch: ApiUpdate,
): Promise<Api & { removed_scopes: string[]; affected_integrations: string[]; revoked_tokens: number }> {
  if (patch.name === undefined && patch.scopes === undefined) throw new InvalidInput('give name or scopes to change');
  const values = patch.scopes?.map((s) => s.value) ?? [];
  const bad = values.find((v) => !isScopeValue(v));
  if (bad !== undefined)
    throw new InvalidInput(
      `scopes: ${JSON.stringify(bad)} is not a scope (1-200 printable characters without spaces, quotes or backslashes)`,
    );
  if (patch.name !== undefined && (!patch.name.trim() || patch.name.length > 200))
    throw new InvalidInput('name must be 1-200 characters');
  const repeated = values.find((v, i) => values.indexOf(v) !== i);
  if (repeated !== undefined) throw new InvalidInput(`scopes: ${JSON.stringify(repeated)} is repeated`);
  const now = nowSeconds(ctx.clock);
  // Decided on the API as it is in the transaction, the environment locked (docs/security.md K-100):
  // what is removed is what the API holds now, not what a read before a concurrent change showed.
  return command(ctx, async (uow) => {
    const env = await lockEnvironment(ctx, uow, slug);
    const api = findApi(env, ref);
    refuseBuiltIn(api, 'renamed or changed');
    const removed = patch.scopes ? api.scopes.map((s) => s.value).filter((v) => !values.includes(v)) : [];
    if (patch.name !== undefined) await uow.apis.rename(api.id, patch.name);
    const holders = removed.length
      ? (await uow.apis.holders(api.id)).filter((h) => h.scopes.some((s) => removed.includes(s)))
      : [];
    if (patch.scopes) {
      await uow.apis.removeGrantedScopes(api.id, removed);
      await uow.apis.replaceScopes(
        api.id,
        patch.scopes.map((s) => ({ value: s.value, description: s.description ?? '' })),
      );
    }
    const revokedTokens = await uow.apis.endTokensForAudience(
      holders.map((h) => h.integrationId),
      api.audience,
      now,
      patch.keep_tokens === true,
    );
    for (const h of holders) await uow.change('integration', h.integrationId, now);
    if (revokedTokens) for (const h of holders) await uow.change('revocation', `integration:${h.integrationId}`, now);
    await uow.change('api', env.id, now);
    const added = values.filter((v) => !api.scopeSet.has(v));
    const details = {
      ...(patch.name !== undefined && patch.name !== api.name && { name: { before: api.name, after: patch.name } }),
      ...(added.length && { added_scopes: added }),
      ...(removed.length && { removed_scopes: removed }),
      ...(holders.length && { affected_integrations: holders.map((h) => h.clientId) }),
      ...(revokedTokens && { revoked_tokens: revokedTokens }),
    };
    await uow.audit(
      actor,
      { environmentId: env.id, action: 'api.update', target: api.audience, details },
      ctx.clock.now(),
    );
    const written = (await uow.environments.load('id', env.id, ctx.config.audience))!;
    return {
      ...apiDto(findApi(written, api.id)),
      removed_scopes: removed,
      affected_integrations: holders.map((h) => h.clientId),
      revoked_tokens: revokedTokens,
    };
  });
}

/**
 * Deletes API `ref` of environment `slug`. While integrations hold grants on it this is refused
 * unless `force`, which removes those grants and revokes the holders' unexpired tokens for it.
 * Audited as `api.delete`.
 * @throws NotFound (404); Conflict (409) for the Environment API, or naming the holders
 *   when integrations hold grants on it and `force` is not set.
 */
export async function deleteApi(
  ctx: Context,
  actor: Actor,
  slug: string,
  ref: string,
  opts: { force?: boolean | undefined } = {},
): Promise<ApiChangeResult> {
  const now = nowSeconds(ctx.clock);
  return command(ctx, async (uow) => {
    const env = await lockEnvironment(ctx, uow, slug);
    const api = findApi(env, ref);
    refuseBuiltIn(api, 'deleted');
    const holders = await uow.apis.holders(api.id);
    if (holders.length && !opts.force) {
      const names =
        holders
          .slice(0, 5)
          .map((h) => h.clientId)
          .join(', ') + (holders.length > 5 ? ` and ${holders.length - 5} more` : '');
      throw new Conflict(
        `${holders.length} integration(s) hold grants on this API (${names}): remove their grants first, or delete with force to remove them and revoke their tokens for it`,
      );
    }
    const revokedTokens = await uow.apis.endTokensForAudience(
      holders.map((h) => h.integrationId),
      api.audience,
      now,
      false,
    );
    await uow.apis.delete(api.id);
    for (const h of holders) {
      await uow.change('integration', h.integrationId, now);
      if (revokedTokens) await uow.change('revocation', `integration:${h.integrationId}`, now);
    }
    await uow.change('api', env.id, now);
    const details = {
      name: api.name,
      ...(holders.length && {
        forced: true,
        affected_integrations: holders.map((h) => h.clientId),
        revoked_tokens: revokedTokens,
      }),
    };
    await uow.audit(
      actor,
      { environmentId: env.id, action: 'api.delete', target: api.audience, details },
      ctx.clock.now(),
    );
    return {
      removedScopes: api.scopes.map((s) => s.value),
      affectedIntegrations: holders.map((h) => h.clientId),
      revokedTokens,
    };
  });
}
