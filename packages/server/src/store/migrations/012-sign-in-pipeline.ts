/**
 * One sign-in pipeline (round 3, #23):
 * - `sessions.amr`: the factors a session was opened with, RFC 8176 values separated by spaces
 *   (`pwd`, `pwd otp`, `sso`, `sso otp`); existing rows are filled from `auth_method`, which stays
 *   (written from `amr`) for older readers;
 * - `admins.password_set`: 0 for an account provisioned by single sign-on (its random password
 *   is known to nobody, so enrolling or removing TOTP can't ask for it); 1 otherwise;
 * - `sso_identities`: an identity of the SSO provider (`iss`, `sub`) linked to a console account
 *   after its first sign-in by verified email; later sign-ins find the account by that pair; at
 *   most one identity per provider per account.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('amr', 'text', (c) => c.notNull().defaultTo('pwd'))
    .execute();
  await sql`update sessions set amr = case auth_method when 'password+totp' then 'pwd otp' when 'sso' then 'sso' else 'pwd' end`.execute(
    db,
  );
  await db.schema
    .alterTable('admins')
    .addColumn('password_set', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createTable('sso_identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sso_identities_pk', ['issuer', 'subject'])
    .execute();
  // One identity per provider per account: two subjects asserting one email can't both link it.
  await db.schema
    .createIndex('sso_identities_account')
    .unique()
    .on('sso_identities')
    .columns(['account_id', 'issuer'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
