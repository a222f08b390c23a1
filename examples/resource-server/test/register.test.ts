/**
 * The register step fails with one clear line, never a stack trace (issue #19): an API registered
 * before without the invoices scopes is named with the command that adds them, and `register.ts`
 * run as a process prints `register: …` and exits 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startGatehouse, type TestServer } from '@gatehouse/testing/gatehouse';
import { createAdmin } from '@gatehouse/testing/admin';
import { signIn, type AdminSession } from '../src/admin-session.js';
import { INVOICES_AUDIENCE } from '../src/app.js';
import { registerInvoicesApi } from '../src/setup.js';

const run = promisify(execFile);
const REGISTER = fileURLToPath(new URL('../src/register.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url));

describe('resource-server register step', () => {
  let t: TestServer;
  let admin: AdminSession;
  let email: string;
  let password: string;
  beforeAll(async () => {
    t = await startGatehouse();
    ({ email, password } = await createAdmin(t));
    admin = await signIn(t.url, email, password);
    // What the console's old "one per line" box made of `invoices:read invoices:write`: one scope.
    await admin.call('POST', '/environments/default/apis', {
      name: 'Invoices',
      audience: INVOICES_AUDIENCE,
      scopes: [{ value: 'invoices:read', description: 'invoices:write' }],
    });
  });
  afterAll(() => t?.close());

  it('names the missing scope and the command that adds it', async () => {
    await expect(registerInvoicesApi(admin, 'default')).rejects.toThrow(
      `the API ${INVOICES_AUDIENCE} is registered without the scope(s) invoices:write; add them with: gatehouse api update ${INVOICES_AUDIENCE} --env default --add-scope invoices:write`,
    );
  });

  it('register.ts prints one line and exits 1, without a stack trace', async () => {
    const err = (await run(process.execPath, [TSX, REGISTER, '--issuer', t.url, '--email', email], {
      env: { ...process.env, GATEHOUSE_ADMIN_PASSWORD: password },
      timeout: 90_000,
    }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: number; stderr: string } | undefined;
    expect(err).toBeDefined();
    expect(err!.code).toBe(1);
    expect(err!.stderr).toMatch(
      /^register: the API https:\/\/invoices\.example is registered without the scope\(s\) invoices:write; add them with: gatehouse api update/,
    );
    expect(err!.stderr.trim().split('\n')).toHaveLength(1);
  }, 120_000);
});
