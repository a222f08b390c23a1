/**
 * Workload identity federation (issue #26): `federated_credentials`, the platform issuers and
 * subjects an integration trusts instead of a secret or key (RFC 7523 §2.1, §2.2). (`issuer`,
 * `subject`) is unique across the server, so a platform token identifies at most one integration.
 * `audience` null means the server's issuer identifier at verification time; `jwks_uri` null means
 * the issuer's discovery document; `claims` is a JSON object of exact-match conditions.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('federated_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('audience', 'text')
    .addColumn('jwks_uri', 'text')
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('federated_credentials_issuer_subject')
    .on('federated_credentials')
    .columns(['issuer', 'subject'])
    .unique()
    .execute();
  await db.schema
    .createIndex('federated_credentials_integration')
    .on('federated_credentials')
    .column('integration_id')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
