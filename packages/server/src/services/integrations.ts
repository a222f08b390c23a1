/**
 * Integrations (OAuth clients, machine users): create with a secret shown once, list, change
 * grants and state, rotate the secret with an optional grace period, revoke tokens, delete.
 * @packageDocumentation
 */
import {
  FRONT_END_SCOPES,
  presetScopes,
  type Grant,
  type Integration,
  type IntegrationCreate,
  type IntegrationCreated,
  type IntegrationUpdate,
} from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { InvalidInput, NotFound } from '../errors/domain-errors.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import { repositories, type UnitOfWork } from '../store/unit-of-work.js';
import { authorize } from '../auth/decide.js';
import { integrationActions } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';
import { requireEnvironment } from './environments.js';
import { lockIntegration } from './integration-lookup.js';
import { command } from './command.js';
import { generateClientId, generateId, generateSecret, hashSecret } from './secrets.js';
import { checkJwksUri, clientKeysFrom } from './client-keys.js';
import { checkFederatedCredential, insertFederatedCredentials, onConflictNameHolder } from './federated-credentials.js';
import { NO_SECRET } from '../store/repositories/integrations.js';
import { usageOf, usageOfOne, type UsageFields } from './integration-usage.js';
import { auditIntegrationChange } from './integration-update-audit.js';

/** Scopes per API id. */
export type GrantMap = Map<string, Set<string>>;

/**
 * Resolves `scopes` (Environment API), `preset` and `grants` (by audience) into scopes per API id.
 * @throws InvalidInput (400) for an unknown audience or scope, or for both `scopes` and `preset`.
 */
export function resolveGrants(
  env: EnvironmentRecord,
  input: { preset?: string | undefined; scopes?: string[] | undefined; grants?: Grant[] | undefined },
): GrantMap {
  if (input.preset && input.scopes) throw new InvalidInput('give scopes or preset, not both');
  const out: GrantMap = new Map();
  const add = (audience: string, scopes: string[]) => {
    const api = env.apiByAudience.get(audience);
    if (!api) throw new InvalidInput(`unknown audience ${JSON.stringify(audience)}`);
    const set = out.get(api.id) ?? new Set<string>();
    for (const s of scopes) {
      if (!api.scopeSet.has(s)) throw new InvalidInput(`unknown scope ${JSON.stringify(s)} for ${audience}`);
      set.add(s);
    }
    out.set(api.id, set);
  };
  if (input.preset) add(env.environmentApi.audience, presetScopes(input.preset as 'read-only' | 'all-permissions'));
  if (input.scopes) add(env.environmentApi.audience, input.scopes);
  for (const g of input.grants ?? []) add(g.audience, g.scopes);
  return out;
}

/** A creation that authenticates with a secret: the answer always carries it. */
type SecretCreate = IntegrationCreate & { token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' };

/**
 * Creates an integration in environment `slug`. The answer carries `client_secret`, shown this once;
 * only its HMAC is stored. With `token_endpoint_auth_method: private_key_jwt` it gets no secret and
 * needs `jwks`, `jwks_uri` (RFC 7523 §2.2) or `federated_credentials` (issue #26). `by` is the caller (absent: the CLI), who may grant
 * only within its own effective scopes (auth/policy.ts).
 * @throws NotFound for an unknown environment; InvalidInput (400) as {@link resolveGrants}, or for keys
 *   or a `jwks_uri` that can't be used (`invalid_client_metadata`); InsufficientScope (403) for a
 *   scope beyond the caller's.
 */
export async function createIntegration(
  ctx: Context,
  actor: Actor,
  slug: string,
  input: SecretCreate,
  by?: Principal,
): Promise<Integration & { client_secret: string }>;
export async function createIntegration(
  ctx: Context,
  actor: Actor,
  slug: string,
  input: IntegrationCreate,
  by?: Principal,
): Promise<IntegrationCreated>;
export async function createIntegration(
  ctx: Context,
  actor: Actor,
  slug: string,
  input: IntegrationCreate,
  by?: Principal,
): Promise<IntegrationCreated> {
  const now = nowSeconds(ctx.clock);
  const keyOnly = input.token_endpoint_auth_method === 'private_key_jwt';
  const hasKeys = input.jwks !== undefined || input.jwks_uri !== undefined;
  if (hasKeys ? !keyOnly : keyOnly && !input.federated_credentials) {
    throw new InvalidInput(
      keyOnly
        ? 'private_key_jwt needs jwks, jwks_uri or federated_credentials'
        : 'jwks and jwks_uri go with token_endpoint_auth_method private_key_jwt',
      'invalid_client_metadata',
    );
  }
  const federated = input.federated_credentials ?? [];
  for (const f of federated) checkFederatedCredential(ctx, f);
  const keys = input.jwks ? await clientKeysFrom(input.jwks, now) : [];
  const jwksUri = input.jwks_uri === undefined ? null : checkJwksUri(ctx, input.jwks_uri);
  const id = `int_${generateId(12)}`;
  const clientId = generateClientId();
  const secret = keyOnly ? undefined : generateSecret();
  // The grants are decided on the environment's APIs as they are in the transaction (locked for share).
  const creating = command(ctx, async (uow) => {
    const env = await lockEnvironmentForGrants(ctx, uow, slug);
    const grants = resolveGrants(env, input);
    authorize(by, 'integration.create', { env, grants });
    await uow.integrations.insert(
      {
        id,
        environment_id: env.id,
        client_id: clientId,
        name: input.name,
        description: input.description ?? '',
        enabled: 1,
        secret_hash: secret === undefined ? NO_SECRET : hashSecret(ctx.sealer.secretPepper, secret),
        previous_secret_hash: null,
        previous_secret_expires_at: null,
        secret_expires_at: null,
        token_generation: 1,
        token_quota_per_hour: null,
        created_at: now,
        updated_at: now,
        jwks_uri: jwksUri,
        dpop_bound: input.dpop_bound_access_tokens ? 1 : 0,
        ...(input.token_exchange && exchangeChanges(env, input.token_exchange)),
      },
      grants,
      keys,
    );
    const trusted = await insertFederatedCredentials(uow, id, federated, now);
    if (secret !== undefined) await uow.integrationUsage.markSecretCreated(id, now);
    await uow.change('integration', id, now);
    await uow.audit(
      actor,
      {
        environmentId: env.id,
        action: 'integration.create',
        target: clientId,
        details: {
          name: input.name,
          ...(keyOnly && {
            token_endpoint_auth_method: 'private_key_jwt',
            kids: keys.map((k) => k.kid),
            jwks_uri: jwksUri,
          }),
          ...(trusted.length > 0 && { federated_credentials: trusted.map((f) => f.id) }),
        },
      },
      ctx.clock.now(),
    );
    return { env, client: (await uow.integrations.load('id', id))! };
  });
  // Two creations trusting one (issuer, subject) at once: the store's unique index decides (L-108).
  const { env, client } = await onConflictNameHolder(ctx, federated, () => creating);
  return {
    ...integrationDto(env, client, await usageOfOne(ctx, client), by),
    ...(secret !== undefined && { client_secret: secret }),
  };
}

/**
 * The environment `slug` loaded in `uow`, its row locked for share (PostgreSQL): the APIs and
 * scopes a grant is checked against stay as read until the unit of work ends.
 * @throws NotFound for an unknown environment.
 */
async function lockEnvironmentForGrants(ctx: Context, uow: UnitOfWork, slug: string): Promise<EnvironmentRecord> {
  const id = await uow.environments.lock('slug', slug, 'share');
  const env = id === undefined ? undefined : await uow.environments.load('id', id, ctx.config.audience);
  if (!env) throw new NotFound('environment');
  return env;
}

/** The integration's grants by API audience, scopes in the API's order (the DTO's `grants`). */
export function grantsOf(env: EnvironmentRecord, c: ClientRecord): Grant[] {
  return env.apis
    .filter((api) => c.grants.has(api.id))
    .map((api) => ({
      audience: api.audience,
      scopes: api.scopes.map((s) => s.value).filter((v) => c.grants.get(api.id)!.has(v)),
    }));
}

/**
 * The wire form of an integration (never its secret or hashes); `usage` from {@link usageOf};
 * `actions` as the policy decides them for `by` (absent: the CLI, an operator).
 */
export function integrationDto(
  env: EnvironmentRecord,
  c: ClientRecord,
  usage: UsageFields,
  by?: Principal,
): Integration {
  const grants = grantsOf(env, c);
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
    token_endpoint_auth_method: c.hasSecret ? 'client_secret_basic' : 'private_key_jwt',
    jwks_uri: c.jwksUri,
    dpop_bound_access_tokens: c.dpopBound,
    token_exchange: {
      enabled: c.tokenExchange.enabled,
      audiences: c.tokenExchange.audiences && [...c.tokenExchange.audiences],
    },
    warnings: integrationWarnings(c, grants.find((g) => g.audience === env.environmentApi.audience)?.scopes ?? []),
    ...usage,
    actions: integrationActions(by, env, c),
    created_at: new Date(c.createdAt * 1000).toISOString(),
    updated_at: new Date(c.updatedAt * 1000).toISOString(),
  };
}

const READ_ONLY_NAME = /read[\s_-]*only|readonly|front[\s_-]*end|browser/i;

/**
 * What an operator should look at: an integration whose name or description says it is for
 * reading or for a front end, yet holds management or write scopes (such tokens must never reach
 * a browser). Round 1's `read-only` preset granted every `*:read` scope; those integrations keep
 * their grants and are flagged here instead.
 */
export function integrationWarnings(c: ClientRecord, scopes: readonly string[]): string[] {
  if (!READ_ONLY_NAME.test(`${c.name} ${c.description}`)) return [];
  const risky = scopes.filter((s) => !FRONT_END_SCOPES.includes(s));
  return risky.length
    ? [
        `named as read-only or front-end, but holds ${risky.join(' ')}: a browser must only get ${FRONT_END_SCOPES.join(' ')}`,
      ]
    : [];
}

/**
 * Integrations of an environment, oldest first, `limit` per page after `cursor` (an integration
 * id), with this node's last uses not written yet (`ctx.usage`).
 */
export async function listIntegrations(
  ctx: Context,
  slug: string,
  opts: {
    limit?: number | undefined;
    cursor?: string | undefined;
    q?: string | undefined;
    /** The caller, for each item's `actions`. */
    by?: Principal | undefined;
  } = {},
): Promise<{ items: Integration[]; next_cursor: string | null }> {
  const env = await requireEnvironment(ctx, slug);
  const limit = opts.limit ?? 50;
  const rows = await repositories(ctx.store).integrations.page(env.id, {
    limit: limit + 1,
    cursor: opts.cursor,
    q: opts.q,
  });
  const clients = rows.slice(0, limit);
  const usage = await usageOf(ctx, clients);
  const items: Integration[] = clients.map((c) => integrationDto(env, c, usage.get(c.id)!, opts.by));
  return { items, next_cursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

/**
 * Changes name, description, state, quota, secret expiry or grants. A change of grants or state
 * ends token reuse. A grant reduction on a tenant API also revokes the integration's unexpired
 * tokens for that API (its resource servers verify locally and can't see the reduction) unless
 * `patch.keep_tokens`; on the Environment API, Gatehouse applies the reduction to every token at
 * once (effective scopes, auth/policy.ts). `by` (absent: the CLI) must be allowed to manage the
 * integration and to grant what it asks for. All of it is decided on the integration as it is in
 * the unit of work that changes it, its row locked ({@link lockIntegration}, docs/security.md
 * K-100), and the answer is the record that unit of work wrote.
 * @throws NotFound; InvalidInput (400) as {@link resolveGrants}; InsufficientScope (403) from the policy.
 */
export async function updateIntegration(
  ctx: Context,
  actor: Actor,
  clientId: string,
  patch: IntegrationUpdate,
  slug?: string,
  by?: Principal,
): Promise<Integration> {
  const now = nowSeconds(ctx.clock);
  // Decided on the integration as it is in the transaction (docs/security.md K-100): a concurrent
  // change of it waits, then starts from what this one wrote.
  const { env, after } = await command(ctx, async (uow) => {
    const { env, client } = await lockIntegration(ctx, uow, clientId, slug);
    authorize(by, 'integration.update', { env, integration: client });
    const grantsChange = patch.scopes !== undefined || patch.grants !== undefined;
    let grants: GrantMap | undefined;
    if (grantsChange) {
      grants = resolveGrants(env, { scopes: patch.scopes, grants: patch.grants });
      // `scopes` alone replaces the Environment API grant and keeps the other APIs' grants.
      if (patch.grants === undefined)
        for (const [apiId, set] of client.grants) if (apiId !== env.environmentApi.id) grants.set(apiId, new Set(set));
      authorize(by, 'integration.update', { env, grants });
    }
    let secretExpiresAt: number | null | undefined;
    if (patch.secret_expires_at !== undefined) {
      const ms = patch.secret_expires_at === null ? null : Date.parse(patch.secret_expires_at);
      if (ms !== null && !Number.isFinite(ms))
        throw new InvalidInput('secret_expires_at must be an ISO 8601 time or null');
      secretExpiresAt = ms === null ? null : Math.floor(ms / 1000);
    }
    const jwksUri =
      patch.jwks_uri === undefined || patch.jwks_uri === null ? patch.jwks_uri : checkJwksUri(ctx, patch.jwks_uri);
    if (jwksUri === null && !client.hasSecret && !client.keys.length)
      throw new InvalidInput('a key-only integration needs keys or a jwks_uri', 'invalid_client_metadata');
    const dpopChange =
      patch.dpop_bound_access_tokens !== undefined && patch.dpop_bound_access_tokens !== client.dpopBound;
    const exchange = patch.token_exchange && exchangeChanges(env, patch.token_exchange);
    const endsReuse = grantsChange || dpopChange || (patch.enabled !== undefined && patch.enabled !== client.enabled);
    const reducedAudiences = grants && !patch.keep_tokens ? reducedTenantApis(env, client, grants) : [];
    await uow.integrations.update(
      client.id,
      {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
        ...(patch.token_quota_per_hour !== undefined && { token_quota_per_hour: patch.token_quota_per_hour }),
        ...(secretExpiresAt !== undefined && { secret_expires_at: secretExpiresAt }),
        ...(jwksUri !== undefined && { jwks_uri: jwksUri }),
        ...(patch.dpop_bound_access_tokens !== undefined && { dpop_bound: patch.dpop_bound_access_tokens ? 1 : 0 }),
        ...exchange,
      },
      now,
      endsReuse,
    );
    if (grants) await uow.integrations.replaceGrants(client.id, grants);
    if (endsReuse) await uow.integrations.endReuse(client.id);
    // Disabling ends the chains of tokens exchanged from its tokens (its own stay refused while disabled).
    if (patch.enabled === false && client.enabled && (await uow.tokens.revokeDerivedFromIntegration(client.id, now)))
      await uow.change('revocation', `integration:${client.id}`, now);
    if (reducedAudiences.length) {
      await uow.tokens.revokeOfIntegration(client.id, now, { audiences: reducedAudiences, unexpiredOnly: true });
      await uow.change('revocation', `integration:${client.id}`, now);
    }
    await uow.change('integration', client.id, now);
    const after = (await uow.integrations.load('id', client.id))!;
    await auditIntegrationChange(
      uow,
      actor,
      env,
      client,
      after,
      { ...(reducedAudiences.length && { revoked_tokens_for: reducedAudiences }) },
      ctx.clock.now(),
    );
    return { env, after };
  });
  return integrationDto(env, after, await usageOfOne(ctx, after), by);
}

/**
 * The stored form of a token-exchange setting; every audience must name an API of `env`.
 * @throws InvalidInput (400) for an unknown audience.
 */
function exchangeChanges(
  env: EnvironmentRecord,
  setting: NonNullable<IntegrationUpdate['token_exchange']>,
): { token_exchange: number; exchange_audiences?: string | null } {
  const out: { token_exchange: number; exchange_audiences?: string | null } = {
    token_exchange: setting.enabled ? 1 : 0,
  };
  if (setting.audiences !== undefined) {
    for (const a of setting.audiences ?? [])
      if (!env.apiByAudience.has(a))
        throw new InvalidInput(
          `token_exchange.audiences: ${JSON.stringify(a.slice(0, 100))} is not an API of this environment`,
        );
    out.exchange_audiences = setting.audiences === null ? null : [...new Set(setting.audiences)].join(' ') || null;
  }
  return out;
}

/** Audiences of the tenant APIs (not the Environment API) on which `next` grants less than `client` holds. */
function reducedTenantApis(env: EnvironmentRecord, client: ClientRecord, next: GrantMap): string[] {
  const out: string[] = [];
  for (const [apiId, scopes] of client.grants) {
    const api = env.apiById.get(apiId);
    if (!api || api.builtIn) continue;
    const kept = next.get(apiId);
    if ([...scopes].some((s) => !kept?.has(s))) out.push(api.audience);
  }
  return out;
}

export { deleteIntegration, revokeIntegrationTokens, rotateSecret } from './integration-lifecycle.js';
export { lockIntegration, requireIntegration } from './integration-lookup.js';
export { usageOf, usageOfOne } from './integration-usage.js';
export { addClientKey, listClientKeys, removeClientKey } from './client-keys.js';
export {
  addFederatedCredential,
  listFederatedCredentials,
  removeFederatedCredential,
} from './federated-credentials.js';
