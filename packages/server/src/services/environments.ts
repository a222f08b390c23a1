/**
 * Environments (tenants): create with the built-in Environment API, list, change settings.
 * @packageDocumentation
 */
import {
  CONTENT_SCOPES,
  DEFAULT_CUSTOMER_SCOPES,
  ENVIRONMENT_API_SCOPES,
  type Environment,
  type EnvironmentUpdate,
} from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, InvalidInput, NotFound } from '../errors/domain-errors.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import { isUniqueViolation } from '../store/repositories/queryable.js';
import { repositories, type UnitOfWork } from '../store/unit-of-work.js';
import { command } from './command.js';
import { generateId } from './secrets.js';
import { fieldChanges } from './audit-changes.js';

/** Default access-token lifetime, seconds (docs/product.md). */
export const DEFAULT_TOKEN_LIFETIME = 86_400;
/** Default reuse cut-off before expiry, seconds (docs/product.md). */
export const DEFAULT_REFRESH_BEFORE = 3_600;
/** Default longest customer-token lifetime, seconds. */
export const DEFAULT_CUSTOMER_TOKEN_MAX_LIFETIME = 86_400;

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * Creates an environment and its built-in Environment API. Its `apis` row records this process's
 * `config.audience` for reference only: the audience in force is always the running config's
 * (`loadEnvironment`), so an environment created by the CLI under another issuer works (H-80).
 * @throws InvalidInput `invalid_request` for a bad slug, Conflict `conflict` when the slug is taken.
 */
export async function createEnvironment(
  ctx: Context,
  actor: Actor,
  slug: string,
  name?: string,
): Promise<EnvironmentRecord> {
  if (!SLUG.test(slug)) throw new InvalidInput('slug must match [a-z0-9][a-z0-9-]{1,62}');
  const now = nowSeconds(ctx.clock);
  const id = `env_${generateId(12)}`;
  try {
    await command(ctx, async (uow) => {
      const env = {
        id,
        slug,
        name: name ?? slug,
        token_lifetime: DEFAULT_TOKEN_LIFETIME,
        refresh_before: DEFAULT_REFRESH_BEFORE,
        customer_scopes: DEFAULT_CUSTOMER_SCOPES.join(' '),
        customer_token_max_lifetime: DEFAULT_CUSTOMER_TOKEN_MAX_LIFETIME,
        environment_key: `ek_${generateId(15)}`,
        created_at: now,
        updated_at: now,
      };
      const api = {
        id: `api_${generateId(12)}`,
        environment_id: id,
        name: 'Environment API',
        audience: ctx.config.audience,
        built_in: 1,
        created_at: now,
      };
      await uow.environments.insert(env, api, ENVIRONMENT_API_SCOPES);
      await uow.change('environment', id, now);
      await uow.audit(actor, { environmentId: id, action: 'environment.create', target: slug }, ctx.clock.now());
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`environment ${slug} already exists`);
    throw err;
  }
  return (await repositories(ctx.store).environments.load('id', id, ctx.config.audience))!;
}

/** Creates the `default` environment unless it exists (first start); safe when two processes race. */
export async function ensureDefaultEnvironment(ctx: Context, actor: Actor): Promise<void> {
  if (await repositories(ctx.store).environments.load('slug', 'default', ctx.config.audience)) return;
  try {
    await createEnvironment(ctx, actor, 'default', 'Default');
  } catch (err) {
    if (!(err instanceof Conflict)) throw err;
  }
}

/**
 * The environment named by `slug`.
 * @throws NotFound when there is none.
 */
export async function requireEnvironment(ctx: Context, slug: string): Promise<EnvironmentRecord> {
  const env = await repositories(ctx.store).environments.load('slug', slug, ctx.config.audience);
  if (!env) throw new NotFound('environment');
  return env;
}

/**
 * The environment `slug` loaded in `uow` to change it or its APIs, its row locked (PostgreSQL
 * `FOR UPDATE`; SQLite's write transaction holds the whole store) until the unit of work ends.
 * @throws NotFound (404) for an unknown environment.
 */
export async function lockEnvironment(ctx: Context, uow: UnitOfWork, slug: string): Promise<EnvironmentRecord> {
  const id = await uow.environments.lock('slug', slug, 'update');
  const env = id === undefined ? undefined : await uow.environments.load('id', id, ctx.config.audience);
  if (!env) throw new NotFound('environment');
  return env;
}

/** Every environment with its integration count, by slug. */
export async function listEnvironments(ctx: Context): Promise<Environment[]> {
  const repos = repositories(ctx.store);
  const counts = await repos.environments.integrationCounts();
  const out: Environment[] = [];
  for (const env of await repos.environments.loadAll(ctx.config.audience))
    out.push(environmentDto(env, counts.get(env.id) ?? 0));
  return out;
}

/** The wire form of an environment. */
export function environmentDto(env: EnvironmentRecord, integrationCount: number): Environment {
  return {
    slug: env.slug,
    name: env.name,
    token_lifetime: env.tokenLifetime,
    refresh_before: env.refreshBefore,
    customer_scopes: env.customerScopes,
    customer_token_max_lifetime: env.customerTokenMaxLifetime,
    require_totp: env.requireTotp,
    integration_count: integrationCount,
    created_at: new Date(env.createdAt * 1000).toISOString(),
  };
}

/** Number of integrations of an environment. */
export async function countIntegrations(ctx: Context, environmentId: string): Promise<number> {
  return repositories(ctx.store).environments.countIntegrations(environmentId);
}

/**
 * Changes an environment's name and settings. `refresh_before >= token_lifetime` switches reuse off.
 * @throws NotFound, or InvalidInput (400) when a customer scope is not a content scope of the Environment API.
 */
export async function updateEnvironment(
  ctx: Context,
  actor: Actor,
  slug: string,
  patch: EnvironmentUpdate,
): Promise<EnvironmentRecord> {
  const now = nowSeconds(ctx.clock);
  // Decided on the environment as it is in the transaction, its row locked (docs/security.md K-100).
  return command(ctx, async (uow) => {
    const env = await lockEnvironment(ctx, uow, slug);
    if (patch.customer_scopes) {
      const unknown = patch.customer_scopes.filter((s) => !env.environmentApi.scopeSet.has(s));
      if (unknown.length) throw new InvalidInput(`unknown scope: ${unknown.join(' ')}`);
      // Customer tokens are end users' (often a browser's): content scopes only (auth/policy.ts).
      const management = patch.customer_scopes.filter((s) => !CONTENT_SCOPES.includes(s));
      if (management.length)
        throw new InvalidInput(`customers may hold content scopes only, not ${management.join(' ')}`);
    }
    await uow.environments.update(
      env.id,
      {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.token_lifetime !== undefined && { token_lifetime: patch.token_lifetime }),
        ...(patch.refresh_before !== undefined && { refresh_before: patch.refresh_before }),
        ...(patch.customer_scopes !== undefined && { customer_scopes: [...new Set(patch.customer_scopes)].join(' ') }),
        ...(patch.customer_token_max_lifetime !== undefined && {
          customer_token_max_lifetime: patch.customer_token_max_lifetime,
        }),
      },
      now,
    );
    await uow.change('environment', env.id, now);
    const after = (await uow.environments.load('id', env.id, ctx.config.audience))!;
    const changes = fieldChanges(auditableEnvironment(env), auditableEnvironment(after));
    await uow.audit(
      actor,
      { environmentId: env.id, action: 'environment.update', target: slug, details: { ...patch, changes } },
      ctx.clock.now(),
    );
    return after;
  });
}

/** The settings of an environment an audit entry shows before/after (issue #19), as the API names them. */
function auditableEnvironment(env: EnvironmentRecord): Record<string, unknown> {
  return {
    name: env.name,
    token_lifetime: env.tokenLifetime,
    refresh_before: env.refreshBefore,
    customer_scopes: env.customerScopes,
    customer_token_max_lifetime: env.customerTokenMaxLifetime,
  };
}

/** True for a unique-constraint violation on SQLite or PostgreSQL (the store's, re-exported). */
export { isUniqueViolation };
