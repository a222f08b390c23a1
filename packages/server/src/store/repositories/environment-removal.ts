/**
 * Deleting an environment with everything in it, inside the caller's unit of work: its
 * integrations' tokens are revoked (their `issued_tokens` rows stay, revoked, for introspection and
 * the revocation feed), their reusable tokens dropped, and the environment row deleted, which
 * cascades to its APIs, integrations, grants, keys, customers, credentials, projects, outputs and
 * assets (foreign keys `on delete cascade`). Audit events stay.
 * @packageDocumentation
 */
import type { Dialect, Queryable } from './queryable.js';

/** What went with an environment. */
export interface EnvironmentRemoval {
  integrationIds: string[];
  revokedTokens: number;
}

/** Counting environments and deleting one with its contents. */
export class EnvironmentRemovalRepository {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
  ) {}

  /**
   * How many environments the store holds. On PostgreSQL the rows are locked (`FOR UPDATE`) until
   * the unit of work ends, so two deletions at once can't both see two environments and leave none;
   * SQLite runs one write transaction at a time anyway.
   */
  async count(): Promise<number> {
    if (this.dialect === 'postgres') {
      return (await this.db.selectFrom('environments').select('id').forUpdate().execute()).length;
    }
    const row = await this.db
      .selectFrom('environments')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Deletes environment `environmentId` and everything in it. `now` in seconds. */
  async deleteWithContents(environmentId: string, now: number): Promise<EnvironmentRemoval> {
    const integrations = await this.db
      .selectFrom('integrations')
      .select('id')
      .where('environment_id', '=', environmentId)
      .execute();
    const integrationIds = integrations.map((i) => i.id);
    const revoked = await this.db
      .updateTable('issued_tokens')
      .set({ revoked_at: now })
      .where('environment_id', '=', environmentId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (integrationIds.length)
      await this.db.deleteFrom('token_reuse').where('integration_id', 'in', integrationIds).execute();
    await this.db.deleteFrom('environments').where('id', '=', environmentId).execute();
    return { integrationIds, revokedTokens: Number(revoked.numUpdatedRows) };
  }
}
