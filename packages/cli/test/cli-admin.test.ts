/**
 * `gatehouse admin list|delete|set-password` (in-process) on a running server's store:
 * the password comes from standard input only, a changed password ends the sessions, and the
 * last operator is never deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestAdmin, session, signIn } from '../../server/test/management-helpers.js';
import { request } from '@gatehouse/testing/http';
import { runCli, storeFlags } from './helpers/cli.js';

/** Runs the CLI in-process with `stdin` piped in; resolves with the exit code and output. */
function run(t: TestServer, args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli([...storeFlags(t.location), ...args], { stdin });
}

describe.each(HTTP_STORE_KINDS)('gatehouse admin (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
    await createTestAdmin(t);
    await createTestAdmin(t, 'grace@example.com');
  });
  afterAll(() => t.close());

  it('admin list --json', async () => {
    const res = await run(t, ['admin', 'list', '--json']);
    expect(res.code).toBe(0);
    const items = JSON.parse(res.stdout) as { email: string; totp: boolean }[];
    expect(items.map((i) => i.email).sort()).toEqual([ADMIN_EMAIL, 'grace@example.com']);
    expect(res.stdout).not.toMatch(/argon2|hash/);
  }, 120_000);

  it('admin set-password reads standard input only, and ends the sessions', async () => {
    const s = await session(t);
    const refused = await run(t, ['admin', 'set-password', ADMIN_EMAIL]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--password-stdin/);
    const weak = await run(t, ['admin', 'set-password', ADMIN_EMAIL, '--password-stdin'], 'password1234\n');
    expect(weak.code).not.toBe(0);
    const ok = await run(
      t,
      ['admin', 'set-password', ADMIN_EMAIL, '--password-stdin', '--json'],
      'a new passphrase for ada\n',
    );
    expect(ok.code).toBe(0);
    expect((await request(`${t.url}/api/v1/session`, { headers: { cookie: s.cookie } })).status).toBe(401);
    expect((await signIn(t, ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(401);
    expect((await signIn(t, ADMIN_EMAIL, 'a new passphrase for ada')).status).toBe(200);
  }, 120_000);

  it('admin delete: another operator yes, the last one never', async () => {
    expect((await run(t, ['admin', 'delete', 'grace@example.com', '--yes'])).code).toBe(0);
    const last = await run(t, ['admin', 'delete', ADMIN_EMAIL, '--yes']);
    expect(last.code).not.toBe(0);
    expect(last.stderr).toMatch(/last operator/);
    expect((await run(t, ['admin', 'delete', 'nobody@example.com', '--yes'])).code).not.toBe(0);
    expect(JSON.parse((await run(t, ['admin', 'list', '--json'])).stdout)).toHaveLength(1);
  }, 120_000);
});
