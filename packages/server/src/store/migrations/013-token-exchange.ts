/**
 * Token exchange (RFC 8693, issue #27):
 * - `integrations.token_exchange`: 1 when the integration may use the token-exchange grant (off by
 *   default); `integrations.exchange_audiences`: the audiences it may exchange for, space-separated,
 *   null for any it holds grants on;
 * - `issued_tokens.parent_jti`: the `jti` of the subject token an exchanged token was derived from
 *   (null: a customer token or not exchanged), so revoking a token revokes its chain;
 *   `subject_type`/`subject_ref`: whom an exchanged token is for (`integration` + integration id,
 *   `customer` + customer id), so removing a customer or rotating the customer-token secret
 *   revokes the tokens exchanged for its customers.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('integrations')
    .addColumn('token_exchange', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('integrations').addColumn('exchange_audiences', 'text').execute();
  await db.schema.alterTable('issued_tokens').addColumn('parent_jti', 'text').execute();
  await db.schema.alterTable('issued_tokens').addColumn('subject_type', 'text').execute();
  await db.schema.alterTable('issued_tokens').addColumn('subject_ref', 'text').execute();
  await db.schema.createIndex('issued_tokens_parent').on('issued_tokens').column('parent_jti').execute();
  await db.schema
    .createIndex('issued_tokens_subject')
    .on('issued_tokens')
    .columns(['environment_id', 'subject_type', 'subject_ref'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
