/**
 * Environment records as the token endpoint and the bearer plugin need them: settings plus APIs.
 * @packageDocumentation
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** An API of an environment with its scopes in display order. */
export interface ApiRecord {
  id: string;
  name: string;
  audience: string;
  builtIn: boolean;
  scopes: { value: string; description: string }[];
  scopeSet: ReadonlySet<string>;
  createdAt: number;
}

/** An environment with its settings (seconds) and APIs. */
export interface EnvironmentRecord {
  id: string;
  slug: string;
  name: string;
  tokenLifetime: number;
  refreshBefore: number;
  customerScopes: string[];
  customerTokenMaxLifetime: number;
  environmentKey: string;
  createdAt: number;
  apis: ApiRecord[];
  apiByAudience: ReadonlyMap<string, ApiRecord>;
  apiById: ReadonlyMap<string, ApiRecord>;
  /** The built-in Environment API. */
  environmentApi: ApiRecord;
}

/**
 * Loads one environment by a column (`id`, `slug` or `environment_key`); undefined when absent.
 * The built-in Environment API's audience is `environmentApiAudience` — the running process's
 * configured one (`config.audience`), not what the `apis` row says: that row keeps the audience of
 * whichever process created the environment, which may have run with another issuer (H-80). An
 * API of the environment registered with that same audience is shadowed by the built-in one.
 */
export async function loadEnvironment(db: Kysely<Database>, by: 'id' | 'slug' | 'environment_key', value: string, environmentApiAudience: string): Promise<EnvironmentRecord | undefined> {
  const env = await db.selectFrom('environments').selectAll().where(by, '=', value).executeTakeFirst();
  if (!env) return undefined;
  const apiRows = await db.selectFrom('apis').selectAll().where('environment_id', '=', env.id).orderBy('created_at').orderBy('id').execute();
  const scopeRows = apiRows.length
    ? await db
        .selectFrom('api_scopes')
        .selectAll()
        .where(
          'api_id',
          'in',
          apiRows.map((a) => a.id),
        )
        .orderBy('position')
        .execute()
    : [];
  const apis: ApiRecord[] = apiRows.map((a) => {
    const scopes = scopeRows.filter((s) => s.api_id === a.id).map((s) => ({ value: s.value, description: s.description }));
    const builtIn = a.built_in === 1;
    return { id: a.id, name: a.name, audience: builtIn ? environmentApiAudience : a.audience, builtIn, scopes, scopeSet: new Set(scopes.map((s) => s.value)), createdAt: Number(a.created_at) };
  });
  const environmentApi = apis.find((a) => a.builtIn);
  if (!environmentApi) throw new Error(`environment ${env.slug} has no Environment API`);
  return {
    id: env.id,
    slug: env.slug,
    name: env.name,
    tokenLifetime: env.token_lifetime,
    refreshBefore: env.refresh_before,
    customerScopes: env.customer_scopes.split(' ').filter(Boolean),
    customerTokenMaxLifetime: env.customer_token_max_lifetime,
    environmentKey: env.environment_key,
    createdAt: Number(env.created_at),
    apis,
    // The built-in API last, so it wins over an API registered with the configured audience.
    apiByAudience: new Map([...apis.filter((a) => !a.builtIn), environmentApi].map((a) => [a.audience, a])),
    apiById: new Map(apis.map((a) => [a.id, a])),
    environmentApi,
  };
}
