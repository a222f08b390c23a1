/**
 * A console administrator on a test server, created through `@gatehouse/server` (as
 * `gatehouse admin create` does), for tests that sign in over HTTP.
 * @packageDocumentation
 */
import { admins, CLI_ACTOR } from '@gatehouse/server';
import type { TestServer } from './server.js';

/** The test administrator's email. */
export const ADMIN_EMAIL = 'ada@example.com';
/** The test administrator's password (strong enough for the password rules). */
export const ADMIN_PASSWORD = 'correct horse battery staple';

/**
 * Creates an administrator on `t`'s store.
 * @throws the server's conflict error when the email exists already.
 */
export async function createAdmin(
  t: TestServer,
  email = ADMIN_EMAIL,
  password = ADMIN_PASSWORD,
): Promise<{ email: string; password: string }> {
  await admins.createAdmin(t.server.runtime.ctx, CLI_ACTOR, email, password);
  return { email, password };
}
