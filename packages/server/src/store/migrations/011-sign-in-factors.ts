/**
 * Console sign-in (round 2, #18 items 3–4 and #19 item 1):
 * - `totp_factors`: an account's TOTP secret (RFC 6238), sealed with the master key; `confirmed_at`
 *   null while enrolment waits for the first code; `last_step` the last time step accepted, so a
 *   code is never accepted twice;
 * - `recovery_codes`: SHA-256 digests of single-use recovery codes; `used_at` set on use;
 * - `sessions.auth_method`: how the session was opened (`password`, `password+totp`, `sso`);
 * - `environments.require_totp`: members must have TOTP to act in the environment.
 * `account_id` is the console account's id (today `admins.id`).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('totp_factors')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    .addColumn('last_step', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('recovery_codes')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('recovery_codes_pk', ['account_id', 'code_hash'])
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('auth_method', 'text', (c) => c.notNull().defaultTo('password'))
    .execute();
  await db.schema
    .alterTable('environments')
    .addColumn('require_totp', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Gatehouse migrations are forward-only');
}
