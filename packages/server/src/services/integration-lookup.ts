/**
 * Finding an integration with its environment, as management operations need them (read from the
 * store, not the cache: a change is judged on the row it changes).
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { NotFound } from '../errors/domain-errors.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import { repositories } from '../store/unit-of-work.js';

/**
 * The integration `clientId` with its environment; `slug`, when given, must be its environment.
 * @throws NotFound when absent or in another environment.
 */
export async function requireIntegration(
  ctx: Context,
  clientId: string,
  slug?: string,
): Promise<{ env: EnvironmentRecord; client: ClientRecord }> {
  const repos = repositories(ctx.store);
  const client = await repos.integrations.load('client_id', clientId);
  const env = client && (await repos.environments.load('id', client.environmentId, ctx.config.audience));
  if (!client || !env || (slug !== undefined && env.slug !== slug)) throw new NotFound('integration');
  return { env, client };
}
