/**
 * Registered APIs (resource servers) and the grants that name them: changing an API's name and
 * scopes, finding who holds it, taking scopes out of grants and deleting it. Writes run inside a
 * unit of work (the caller's transaction), so each change commits as one.
 * @packageDocumentation
 */
import type { Queryable } from './queryable.js';

/** An integration holding a grant on an API: its id and `client_id`, with the scopes held. */
export interface ApiHolder {
  integrationId: string;
  clientId: string;
  scopes: string[];
}

/** Registered APIs' names and scopes, the grants on them, and what a change to them ends. */
export class ApiRepository {
  constructor(private readonly db: Queryable) {}

  /** The integrations holding at least one scope of API `apiId`, by client_id. */
  async holders(apiId: string): Promise<ApiHolder[]> {
    const rows = await this.db
      .selectFrom('grants')
      .innerJoin('integrations', 'integrations.id', 'grants.integration_id')
      .select(['integrations.id as integration_id', 'integrations.client_id', 'grants.scope'])
      .where('grants.api_id', '=', apiId)
      .orderBy('integrations.client_id')
      .orderBy('grants.scope')
      .execute();
    const out = new Map<string, ApiHolder>();
    for (const r of rows) {
      const h = out.get(r.integration_id) ?? { integrationId: r.integration_id, clientId: r.client_id, scopes: [] };
      h.scopes.push(r.scope);
      out.set(r.integration_id, h);
    }
    return [...out.values()];
  }

  /** Renames API `apiId`. */
  async rename(apiId: string, name: string): Promise<void> {
    await this.db.updateTable('apis').set({ name }).where('id', '=', apiId).execute();
  }

  /** Replaces the scopes of API `apiId` with `scopes`, in this order. */
  async replaceScopes(apiId: string, scopes: readonly { value: string; description: string }[]): Promise<void> {
    await this.db.deleteFrom('api_scopes').where('api_id', '=', apiId).execute();
    if (scopes.length)
      await this.db
        .insertInto('api_scopes')
        .values(scopes.map((s, position) => ({ api_id: apiId, value: s.value, description: s.description, position })))
        .execute();
  }

  /** Takes `scopes` of API `apiId` out of every grant. */
  async removeGrantedScopes(apiId: string, scopes: readonly string[]): Promise<void> {
    if (scopes.length)
      await this.db
        .deleteFrom('grants')
        .where('api_id', '=', apiId)
        .where('scope', 'in', [...scopes])
        .execute();
  }

  /**
   * Ends token reuse for `integrationIds` (their grants changed: a new generation, no cached token)
   * and, unless `keepTokens`, revokes their unexpired tokens for `audience`. `now` in seconds.
   * @returns how many tokens were revoked.
   */
  async endTokensForAudience(
    integrationIds: readonly string[],
    audience: string,
    now: number,
    keepTokens: boolean,
  ): Promise<number> {
    if (!integrationIds.length) return 0;
    const ids = [...integrationIds];
    await this.db
      .updateTable('integrations')
      .set((eb) => ({ token_generation: eb('token_generation', '+', 1), updated_at: now }))
      .where('id', 'in', ids)
      .execute();
    await this.db.deleteFrom('token_reuse').where('integration_id', 'in', ids).execute();
    if (keepTokens) return 0;
    const res = await this.db
      .updateTable('issued_tokens')
      .set({ revoked_at: now })
      .where('integration_id', 'in', ids)
      .where('audience', '=', audience)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** Deletes API `apiId`; its scopes and the grants on it go with it (foreign keys cascade). */
  async delete(apiId: string): Promise<void> {
    await this.db.deleteFrom('grants').where('api_id', '=', apiId).execute();
    await this.db.deleteFrom('api_scopes').where('api_id', '=', apiId).execute();
    await this.db.deleteFrom('apis').where('id', '=', apiId).execute();
  }
}
