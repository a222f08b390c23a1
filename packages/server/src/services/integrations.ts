/**
 * Integrations (OAuth clients, machine users): create with a secret shown once, list, change
 * grants and state, rotate the secret with an optional grace period, revoke tokens, delete.
 * @packageDocumentation
 */
import { presetScopes, type Grant, type Integration, type IntegrationCreate, type IntegrationCreated, type IntegrationUpdate } from '@gatehouse/contracts';
import { sql, type SqlBool, type Transaction } from 'kysely';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { ApiError, NotFound } from '../errors/api-error.js';
import type { Database } from '../store/schema.js';
import { recordChange } from '../store/repositories/change-log.js';
import { loadEnvironment, type EnvironmentRecord } from '../store/repositories/environments.js';
import { loadClient, type ClientRecord } from '../store/repositories/integrations.js';
import { audit } from './audit.js';
import { requireEnvironment } from './environments.js';
import { generateClientId, generateId, generateSecret, hashSecret } from './secrets.js';

/** Scopes per API id. */
export type GrantMap = Map<string, Set<string>>;

/**
 * Resolves `scopes` (Environment API), `preset` and `grants` (by audience) into scopes per API id.
 * `limit`, when given, is what the acting principal holds: nothing beyond it may be granted.
 * @throws ApiError 400 for an unknown audience or scope, or for both `scopes` and `preset`; 403 beyond `limit`.
 */
export function resolveGrants(env: EnvironmentRecord, input: { preset?: string | undefined; scopes?: string[] | undefined; grants?: Grant[] | undefined }, limit?: GrantMap): GrantMap {
  if (input.preset && input.scopes) throw new ApiError(400, 'invalid_request', 'give scopes or preset, not both');
  const out: GrantMap = new Map();
  const add = (audience: string, scopes: string[]) => {
    const api = env.apiByAudience.get(audience);
    if (!api) throw new ApiError(400, 'invalid_request', `unknown audience ${JSON.stringify(audience)}`);
    const set = out.get(api.id) ?? new Set<string>();
    for (const s of scopes) {
      if (!api.scopeSet.has(s)) throw new ApiError(400, 'invalid_request', `unknown scope ${JSON.stringify(s)} for ${audience}`);
      if (limit && !limit.get(api.id)?.has(s)) throw new ApiError(403, 'insufficient_scope', `you can't grant ${s}: you don't hold it`);
      set.add(s);
    }
    out.set(api.id, set);
  };
  if (input.preset) add(env.environmentApi.audience, presetScopes(input.preset as 'read-only' | 'all-permissions'));
  if (input.scopes) add(env.environmentApi.audience, input.scopes);
  for (const g of input.grants ?? []) add(g.audience, g.scopes);
  return out;
}

async function writeGrants(trx: Transaction<Database>, integrationId: string, grants: GrantMap): Promise<void> {
  await trx.deleteFrom('grants').where('integration_id', '=', integrationId).execute();
  const rows = [...grants].flatMap(([api_id, scopes]) => [...scopes].map((scope) => ({ integration_id: integrationId, api_id, scope })));
  if (rows.length) await trx.insertInto('grants').values(rows).execute();
}

/**
 * Creates an integration in environment `slug`. The answer carries `client_secret`, shown this once;
 * only its HMAC is stored.
 * @throws NotFound for an unknown environment; ApiError 400/403 as {@link resolveGrants}.
 */
export async function createIntegration(ctx: Context, actor: Actor, slug: string, input: IntegrationCreate, limit?: GrantMap): Promise<IntegrationCreated> {
  const env = await requireEnvironment(ctx, slug);
  const grants = resolveGrants(env, input, limit);
  const now = nowSeconds(ctx.clock);
  const id = `int_${generateId(12)}`;
  const clientId = generateClientId();
  const secret = generateSecret();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('integrations')
      .values({
        id,
        environment_id: env.id,
        client_id: clientId,
        name: input.name,
        description: input.description ?? '',
        enabled: 1,
        secret_hash: hashSecret(ctx.sealer.secretPepper, secret),
        previous_secret_hash: null,
        previous_secret_expires_at: null,
        secret_expires_at: null,
        token_generation: 1,
        token_quota_per_hour: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await writeGrants(trx, id, grants);
    await recordChange(trx, ctx.store.dialect, 'integration', id, now);
    await audit(trx, actor, { environmentId: env.id, action: 'integration.create', target: clientId, details: { name: input.name } }, ctx.clock.now());
  });
  const client = (await loadClient(ctx.db, 'id', id))!;
  return { ...integrationDto(env, client), client_secret: secret };
}

/** The wire form of an integration (never its secret or hashes). */
export function integrationDto(env: EnvironmentRecord, c: ClientRecord): Integration {
  const grants: Grant[] = env.apis
    .filter((api) => c.grants.has(api.id))
    .map((api) => ({ audience: api.audience, scopes: api.scopes.map((s) => s.value).filter((v) => c.grants.get(api.id)!.has(v)) }));
  return {
    id: c.id,
    client_id: c.clientId,
    name: c.name,
    description: c.description,
    enabled: c.enabled,
    environment: env.slug,
    scopes: grants.find((g) => g.audience === env.environmentApi.audience)?.scopes ?? [],
    grants,
    token_quota_per_hour: c.tokenQuotaPerHour,
    secret_expires_at: c.secretExpiresAt === null ? null : new Date(c.secretExpiresAt * 1000).toISOString(),
    created_at: new Date(c.createdAt * 1000).toISOString(),
    updated_at: new Date(c.updatedAt * 1000).toISOString(),
  };
}

/**
 * The integration `clientId` with its environment; `slug`, when given, must be its environment.
 * @throws NotFound when absent or in another environment.
 */
export async function requireIntegration(ctx: Context, clientId: string, slug?: string): Promise<{ env: EnvironmentRecord; client: ClientRecord }> {
  const client = await loadClient(ctx.db, 'client_id', clientId);
  const env = client && (await loadEnvironment(ctx.db, 'id', client.environmentId, ctx.config.audience));
  if (!client || !env || (slug !== undefined && env.slug !== slug)) throw new NotFound('integration');
  return { env, client };
}

/** Integrations of an environment, oldest first, `limit` per page after `cursor` (an integration id). */
export async function listIntegrations(ctx: Context, slug: string, opts: { limit?: number | undefined; cursor?: string | undefined; q?: string | undefined } = {}): Promise<{ items: Integration[]; next_cursor: string | null }> {
  const env = await requireEnvironment(ctx, slug);
  const limit = opts.limit ?? 50;
  let query = ctx.db.selectFrom('integrations').select('client_id').where('environment_id', '=', env.id);
  if (opts.cursor) query = query.where('id', '>', opts.cursor);
  // Case-insensitive on both stores (PostgreSQL's LIKE is case-sensitive, SQLite's is not for ASCII).
  if (opts.q) {
    // The search text is matched literally: `%`, `_` and `\` in it are not LIKE wildcards.
    const pattern = `%${opts.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const q = opts.q;
    query = query.where((eb) => eb.or([sql<SqlBool>`lower(name) like ${pattern} escape '\\'`, eb('client_id', '=', q)]));
  }
  const rows = await query.orderBy('id').limit(limit + 1).execute();
  const items: Integration[] = [];
  for (const r of rows.slice(0, limit)) {
    const c = await loadClient(ctx.db, 'client_id', r.client_id);
    if (c) items.push(integrationDto(env, c));
  }
  return { items, next_cursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

/**
 * Changes name, description, state or grants. A change of grants or state ends token reuse.
 * @throws NotFound; ApiError 400/403 as {@link resolveGrants}.
 */
export async function updateIntegration(ctx: Context, actor: Actor, clientId: string, patch: IntegrationUpdate, slug?: string, limit?: GrantMap): Promise<Integration> {
  const { env, client } = await requireIntegration(ctx, clientId, slug);
  const grantsChange = patch.scopes !== undefined || patch.grants !== undefined;
  let grants: GrantMap | undefined;
  if (grantsChange) {
    grants = resolveGrants(env, { scopes: patch.scopes, grants: patch.grants }, limit);
    // `scopes` alone replaces the Environment API grant and keeps the other APIs' grants.
    if (patch.grants === undefined) for (const [apiId, set] of client.grants) if (apiId !== env.environmentApi.id) grants.set(apiId, new Set(set));
  }
  let secretExpiresAt: number | null | undefined;
  if (patch.secret_expires_at !== undefined) {
    const ms = patch.secret_expires_at === null ? null : Date.parse(patch.secret_expires_at);
    if (ms !== null && !Number.isFinite(ms)) throw new ApiError(400, 'invalid_request', 'secret_expires_at must be an ISO 8601 time or null');
    secretExpiresAt = ms === null ? null : Math.floor(ms / 1000);
  }
  const endsReuse = grantsChange || (patch.enabled !== undefined && patch.enabled !== client.enabled);
  const now = nowSeconds(ctx.clock);
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('integrations')
      .set((eb) => ({
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
        ...(patch.token_quota_per_hour !== undefined && { token_quota_per_hour: patch.token_quota_per_hour }),
        ...(secretExpiresAt !== undefined && { secret_expires_at: secretExpiresAt }),
        ...(endsReuse && { token_generation: eb('token_generation', '+', 1) }),
        updated_at: now,
      }))
      .where('id', '=', client.id)
      .execute();
    if (grants) await writeGrants(trx, client.id, grants);
    if (endsReuse) await trx.deleteFrom('token_reuse').where('integration_id', '=', client.id).execute();
    await recordChange(trx, ctx.store.dialect, 'integration', client.id, now);
    await audit(trx, actor, { environmentId: env.id, action: 'integration.update', target: clientId, details: { ...patch } }, ctx.clock.now());
  });
  return integrationDto(env, (await loadClient(ctx.db, 'id', client.id))!);
}

/**
 * Issues a new secret. With `graceSeconds` > 0 the previous secret keeps working that long (and
 * reuse goes on); with 0 it stops at once and token reuse ends. At most one previous secret is kept.
 * @returns the new secret, shown this once.
 */
export async function rotateSecret(ctx: Context, actor: Actor, clientId: string, graceSeconds = 0, slug?: string): Promise<{ client_id: string; client_secret: string }> {
  const { env, client } = await requireIntegration(ctx, clientId, slug);
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
    if (graceSeconds === 0) await trx.deleteFrom('token_reuse').where('integration_id', '=', client.id).execute();
    await recordChange(trx, ctx.store.dialect, 'integration', client.id, now);
    await audit(trx, actor, { environmentId: env.id, action: 'integration.rotate_secret', target: clientId, details: { grace_seconds: graceSeconds } }, ctx.clock.now());
  });
  return { client_id: clientId, client_secret: secret };
}

/**
 * Revokes every unexpired token of the integration and ends reuse.
 * @returns how many tokens were revoked.
 */
export async function revokeIntegrationTokens(ctx: Context, actor: Actor, clientId: string, slug?: string): Promise<number> {
  const { env, client } = await requireIntegration(ctx, clientId, slug);
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

/** Deletes an integration, its grants and its reusable tokens; its issued tokens are revoked. */
export async function deleteIntegration(ctx: Context, actor: Actor, clientId: string, slug?: string): Promise<void> {
  const { env, client } = await requireIntegration(ctx, clientId, slug);
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
