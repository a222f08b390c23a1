/**
 * Finding an integration with its environment, as management operations need them: read from the
 * store, not the cache. A command decides on the rows it changes, loaded in its own unit of work
 * ({@link lockIntegration}); {@link requireIntegration} is for reads.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { NotFound } from '../errors/domain-errors.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import { repositories, type UnitOfWork } from '../store/unit-of-work.js';

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

/**
 * The integration `clientId` with its environment, loaded in `uow` for a command to decide on and
 * change (docs/security.md K-100): on PostgreSQL the environment's row is locked for share (its APIs
 * and scopes, which grants are checked against, can't change meanwhile) and then the integration's
 * for update (a concurrent command on it waits, then reads what this one wrote) — always in that
 * order, the order API changes take them in too. SQLite's write transaction holds the whole store.
 * `slug`, when given, must be its environment.
 * @throws NotFound when absent or in another environment.
 */
export async function lockIntegration(
  ctx: Context,
  uow: UnitOfWork,
  clientId: string,
  slug?: string,
): Promise<{ env: EnvironmentRecord; client: ClientRecord }> {
  // An integration never changes environment: this read only tells which row to lock first.
  const environmentId = await uow.integrations.environmentIdOf(clientId);
  if (environmentId === undefined || !(await uow.environments.lock('id', environmentId, 'share')))
    throw new NotFound('integration');
  const client = await uow.integrations.loadForUpdate('client_id', clientId);
  const env = client && (await uow.environments.load('id', environmentId, ctx.config.audience));
  if (!client || !env || (slug !== undefined && env.slug !== slug)) throw new NotFound('integration');
  return { env, client };
}
