/**
 * Finding an integration with its environment, as management operations need them (read from the
 * store, not the cache: a change is judged on the row it changes).
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { NotFound } from '../errors/domain-errors.js';
import { loadEnvironment, type EnvironmentRecord } from '../store/repositories/environments.js';
import { loadClient, type ClientRecord } from '../store/repositories/integrations.js';

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
