/**
 * Round 2 client assertions and proof of possession (RFC 7523, RFC 9449):
 * - `client_keys`: the public keys an integration signs `private_key_jwt` assertions with;
 * - `integrations.jwks_uri` (keys fetched from the client) and `integrations.dpop_bound`
 *   (its tokens must be DPoP-bound);
 * - `used_jtis`: `jti`s of client assertions and DPoP proofs already seen, shared by every node,
 *   one unique digest per use, kept until the JWT could no longer be accepted anyway.
 * A key-only integration stores `none` as its secret hash, which no presented secret ever matches.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('client_keys')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id').onDelete('cascade'))
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('client_keys_pk', ['integration_id', 'kid'])
    .execute();
  await db.schema.alterTable('integrations').addColumn('jwks_uri', 'text').execute();
  await db.schema
    .alterTable('integrations')
    .addColumn('dpop_bound', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('used_jtis')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('used_jtis_expires').on('used_jtis').column('expires_at').execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
