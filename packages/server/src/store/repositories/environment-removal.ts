/**
 * Deleting an environment with everything in it, inside the caller's transaction: its
 * integrations' tokens are revoked (their `issued_tokens` rows stay, revoked, for introspection and
 * the revocation feed), their reusable tokens dropped, and the environment row deleted, which
 * cascades to its APIs, integrations, grants, keys, customers, credentials, projects, outputs and
 * assets (foreign keys `on delete cascade`). Audit events stay.
 * @packageDocumentation
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

/** How many environments the store holds. */
export async function countEnvironments(db: Kysely<Database> | Transaction<Database>): Promise<number> {
  const row = await db.selectFrom('environments').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** What went with an environment. */
export interface EnvironmentRemoval {
  integrationIds: string[];
  revokedTokens: number;
}

/** Deletes environment `environmentId` and everything in it. `now` in seconds. */
export async function deleteEnvironmentRows(trx: Transaction<Database>, environmentId: string, now: number): Promise<EnvironmentRemoval> {
  const integrations = await trx.selectFrom('integrations').select('id').where('environment_id', '=', environmentId).execute();
  const integrationIds = integrations.map((i) => i.id);
  const revoked = await trx
    .updateTable('issued_tokens')
    .set({ revoked_at: now })
    .where('environment_id', '=', environmentId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (integrationIds.length) await trx.deleteFrom('token_reuse').where('integration_id', 'in', integrationIds).execute();
  await trx.deleteFrom('environments').where('id', '=', environmentId).execute();
  return { integrationIds, revokedTokens: Number(revoked.numUpdatedRows) };
}
