/**
 * `environment_credentials`: an environment's secrets (sealed) and registered public keys, which
 * verify its customer tokens.
 * @packageDocumentation
 */
import type { EnvironmentCredentialTable } from '../schema.js';
import type { Dialect, Queryable } from './queryable.js';

/** The `environment_credentials` table. */
export class CredentialRepository {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Locks environment `environmentId`'s row until the transaction ends (PostgreSQL; SQLite already
   * serializes writers), so concurrent secret writes run one after the other.
   */
  async lockEnvironment(environmentId: string): Promise<void> {
    if (this.dialect === 'postgres')
      await this.db.selectFrom('environments').select('id').where('id', '=', environmentId).forUpdate().execute();
  }

  /** True when the environment has a current (unexpiring) secret. */
  async hasCurrentSecret(environmentId: string): Promise<boolean> {
    const current = await this.db
      .selectFrom('environment_credentials')
      .select('id')
      .where('environment_id', '=', environmentId)
      .where('kind', '=', 'secret')
      .where('expires_at', 'is', null)
      .executeTakeFirst();
    return current !== undefined;
  }

  /**
   * Makes room for a new current secret: previous secrets end now, the current one at `expiresAt`
   * (seconds), so at most one previous secret is kept.
   */
  async retireSecrets(environmentId: string, expiresAt: number): Promise<void> {
    await this.db
      .deleteFrom('environment_credentials')
      .where('environment_id', '=', environmentId)
      .where('kind', '=', 'secret')
      .where('expires_at', 'is not', null)
      .execute();
    await this.db
      .updateTable('environment_credentials')
      .set({ expires_at: expiresAt })
      .where('environment_id', '=', environmentId)
      .where('kind', '=', 'secret')
      .execute();
  }

  /** Inserts a credential row. */
  async insert(row: EnvironmentCredentialTable): Promise<void> {
    await this.db.insertInto('environment_credentials').values(row).execute();
  }

  /** Every credential of an environment, oldest first. */
  list(environmentId: string): Promise<EnvironmentCredentialTable[]> {
    return this.db
      .selectFrom('environment_credentials')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .orderBy('created_at')
      .execute();
  }

  /** Every credential of an environment, in no particular order (verification keys). */
  all(environmentId: string): Promise<EnvironmentCredentialTable[]> {
    return this.db
      .selectFrom('environment_credentials')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .execute();
  }

  /** True when the environment has a credential with `kid`. */
  async kidTaken(environmentId: string, kid: string): Promise<boolean> {
    const taken = await this.db
      .selectFrom('environment_credentials')
      .select('id')
      .where('environment_id', '=', environmentId)
      .where('kid', '=', kid)
      .executeTakeFirst();
    return taken !== undefined;
  }

  /** Deletes public key `id` of the environment; false when there is none. */
  async deletePublicKey(environmentId: string, id: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('environment_credentials')
      .where('environment_id', '=', environmentId)
      .where('kind', '=', 'public_key')
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
