/**
 * docs/security.md G-75: console passwords that are common or trivially patterned are refused at
 * creation (OWASP ASVS 5.0 V6.2) with the estimator's advice, never echoing the password, through
 * the service and through `gatehouse admin create`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../src/context.js';
import { createAdmin } from '../src/services/admins.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { signIn } from './management-helpers.js';
import { runCli, storeFlags } from '../../cli/test/helpers/cli.js';

const WEAK = ['passwordpassword', '123456789012', 'aaaaaaaaaaaa', 'Password1234', 'qwertyuiopas', 'grace@example.com1'];

describe.each(HTTP_STORE_KINDS)('G-75 console password strength (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.close());

  it.each(WEAK)('G-75 %s is refused with 400 invalid_request and advice; nothing is stored', async (password) => {
    const attempt = createAdmin(t.server.runtime.ctx, CLI_ACTOR, 'grace@example.com', password);
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: expect.stringMatching(/too easy to guess\. \S/),
    });
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).not.toContain(password);
    const rows = await stored(t).accountsWithEmail('grace@example.com');
    expect(rows).toEqual([]);
  });

  it('G-75 `gatehouse admin create` refuses an easily guessed password with advice and a non-zero exit, never echoing it', async () => {
    // The CLI in-process (packages/cli/test/helpers/cli.ts), with the password piped in.
    const ran = await runCli(
      [...storeFlags(t.location), 'admin', 'create', '--email', 'hopper@example.com', '--password-stdin'],
      { stdin: 'passwordpassword\n' },
    );
    const result = { code: ran.code, out: ran.stdout + ran.stderr };
    expect(result.code).not.toBe(0);
    expect(result.out).toMatch(/too easy to guess/);
    expect(result.out).not.toContain('passwordpassword');
  }, 40_000);

  it('G-75 a passphrase of unrelated words is accepted and signs in', async () => {
    await createAdmin(t.server.runtime.ctx, CLI_ACTOR, 'grace@example.com', 'orbit velvet canyon whistle');
    expect((await signIn(t, 'grace@example.com', 'orbit velvet canyon whistle')).status).toBe(200);
  });
});
