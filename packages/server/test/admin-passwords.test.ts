/**
 * SECURITY.md G-75: console passwords that are common or trivially patterned are refused at
 * creation (OWASP ASVS 5.0 V6.2) with the estimator's advice, never echoing the password; the CLI
 * path (`gatehouse admin create`) is covered in management-session.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../src/context.js';
import { createAdmin } from '../src/services/admins.js';
import { STORE_KINDS } from './helpers/stores.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { signIn } from './management-helpers.js';

const WEAK = ['passwordpassword', '123456789012', 'aaaaaaaaaaaa', 'Password1234', 'qwertyuiopas', 'grace@example.com1'];

describe.each(STORE_KINDS)('G-75 console password strength (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.close());

  it.each(WEAK)('G-75 %s is refused with 400 invalid_request and advice; nothing is stored', async (password) => {
    const attempt = createAdmin(t.server.runtime.ctx, CLI_ACTOR, 'grace@example.com', password);
    await expect(attempt).rejects.toMatchObject({ status: 400, code: 'invalid_request', message: expect.stringMatching(/too easy to guess\. \S/) });
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).not.toContain(password);
    const rows = await t.server.runtime.ctx.db.selectFrom('admins').select('email').where('email', '=', 'grace@example.com').execute();
    expect(rows).toEqual([]);
  });

  it('G-75 a passphrase of unrelated words is accepted and signs in', async () => {
    await createAdmin(t.server.runtime.ctx, CLI_ACTOR, 'grace@example.com', 'orbit velvet canyon whistle');
    expect((await signIn(t, 'grace@example.com', 'orbit velvet canyon whistle')).status).toBe(200);
  });
});
