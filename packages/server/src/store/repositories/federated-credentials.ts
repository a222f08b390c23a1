/**
 * `federated_credentials`: the platform issuers and subjects integrations trust (issue #26).
 * (`issuer`, `subject`) is unique across the server (migration 014).
 * @packageDocumentation
 */
import type { FederatedCredentialTable } from '../schema.js';
import type { Queryable } from './queryable.js';

/** A federated credential as verification and the API read it. Times in seconds. */
export interface FederatedCredentialRecord {
  id: string;
  integrationId: string;
  issuer: string;
  subject: string;
  /** null: the server's issuer identifier at verification time. */
  audience: string | null;
  /** null: from the issuer's discovery document. */
  jwksUri: string | null;
  /** Exact-match claim conditions by dotted path. */
  claims: Readonly<Record<string, string | number | boolean>>;
  createdAt: number;
}

/** A credential with the `client_id` of the integration that holds it. */
export interface HeldFederatedCredential extends FederatedCredentialRecord {
  clientId: string;
}

function toRecord(row: FederatedCredentialTable): FederatedCredentialRecord {
  return {
    id: row.id,
    integrationId: row.integration_id,
    issuer: row.issuer,
    subject: row.subject,
    audience: row.audience,
    jwksUri: row.jwks_uri,
    claims: JSON.parse(row.claims) as FederatedCredentialRecord['claims'],
    createdAt: Number(row.created_at),
  };
}

/** The `federated_credentials` table. */
export class FederatedCredentialRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts one credential. @throws a unique violation when (`issuer`, `subject`) is held already. */
  async insert(row: FederatedCredentialTable): Promise<void> {
    await this.db.insertInto('federated_credentials').values(row).execute();
  }

  /** The credentials of integration `integrationId`, oldest first (one query). */
  async listFor(integrationId: string): Promise<FederatedCredentialRecord[]> {
    const rows = await this.db
      .selectFrom('federated_credentials')
      .selectAll()
      .where('integration_id', '=', integrationId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  /** The credential trusting (`issuer`, `subject`) with its holder's `client_id`, or undefined. */
  async find(issuer: string, subject: string): Promise<HeldFederatedCredential | undefined> {
    const row = await this.db
      .selectFrom('federated_credentials as f')
      .innerJoin('integrations as i', 'i.id', 'f.integration_id')
      .selectAll('f')
      .select('i.client_id')
      .where('f.issuer', '=', issuer)
      .where('f.subject', '=', subject)
      .executeTakeFirst();
    return row && { ...toRecord(row), clientId: row.client_id };
  }

  /** Deletes credential `id` of integration `integrationId`. @returns whether a row was deleted. */
  async delete(integrationId: string, id: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('federated_credentials')
      .where('integration_id', '=', integrationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
