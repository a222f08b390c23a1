/**
 * Console sign-in in Debian's Chromium against a real Gatehouse and a real OpenID Connect provider
 * (node-oidc-provider): "Sign in with SSO" → the provider's login form → back signed in; then an
 * operator with a password sets up TOTP on the profile page (QR code, secret, code, recovery codes
 * shown once), signs out, signs in with password + code, uses a recovery code, and changes the
 * password. Screenshots at 1366 px and 390 px land in `test-results/sign-in-*.png`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { startIdp, type TestIdp } from '@gatehouse/testing/oidc-idp';
import { CLI_ACTOR } from '../../server/src/context.js';
import { createAdmin } from '../../server/src/services/admins.js';
import { ensureConsoleBuilt } from './build-console.js';

const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));
const SSO_EMAIL = 'ada@example.com';
const EMAIL = 'grace@example.com';
const PASSWORD = 'correct horse battery staple';
const WIDE = { width: 1366, height: 800 };
const NARROW = { width: 390, height: 844 };

/** A free loopback port: the provider must know Gatehouse's redirect URI before Gatehouse starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('console sign-in in the browser: SSO, TOTP, profile', () => {
  let t: TestServer;
  let idp: TestIdp;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  let secret = '';
  let recovery: string[] = [];
  const problems: string[] = [];
  const shots = async (name: string) => {
    await page.screenshot({ path: join(RESULTS, `sign-in-${name}-1366.png`), fullPage: true });
    await page.setViewportSize(NARROW);
    await page.screenshot({ path: join(RESULTS, `sign-in-${name}-390.png`), fullPage: true });
    await page.setViewportSize(WIDE);
  };
  const code = (steps = 0) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
      timestamp: t.clock.now() + steps * 30_000,
    });
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  };

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(RESULTS, { recursive: true });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    idp = await startIdp([`${base}/api/v1/session/sso/callback`], {
      ada: { email: SSO_EMAIL, email_verified: true },
      bob: { email: 'bob@example.com', email_verified: true },
    });
    t = await startTestServer('sqlite', {
      config: {
        port,
        issuer: base,
        sso: {
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          allowHttp: true,
          name: 'Example ID',
        },
      },
    });
    await createAdmin(t.server.runtime.ctx, CLI_ACTOR, SSO_EMAIL, 'an unused password for ada');
    await createAdmin(t.server.runtime.ctx, CLI_ACTOR, EMAIL, PASSWORD);
    profile = mkdtempSync(join(tmpdir(), 'gatehouse-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: WIDE,
    });
    context.setDefaultTimeout(15_000);
    page = context.pages()[0] ?? (await context.newPage());
    // Problems on Gatehouse's pages only (the provider's dev login page imports a web font it can't reach offline).
    page.on('console', (m) => {
      if (m.type() === 'error' && page.url().startsWith(base) && !/status of 40[1349]/.test(m.text()))
        problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
  }, 240_000);
  let failed = false;
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });
  beforeEach((ctx) => {
    if (failed) ctx.skip();
  });
  afterAll(async () => {
    await context?.close();
    await t?.close();
    await idp?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('offers SSO on the sign-in page and signs in through the provider', async () => {
    await page.goto(`${t.url}/console/`);
    const sso = page.getByRole('link', { name: 'Sign in with Example ID' });
    await sso.waitFor();
    await shots('01-page');
    await sso.click();
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.locator('input[name="login"]').fill('ada');
    await page.locator('input[name="password"]').fill('anything');
    await page.screenshot({ path: join(RESULTS, 'sign-in-02-provider-login-1366.png') });
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.waitForURL(`${t.url}/console/`);
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
    await page.getByRole('link', { name: SSO_EMAIL }).waitFor();
    await shots('03-signed-in-by-sso');
    await signOut();
  });

  it('shows why an SSO sign-in was refused (the server redirects with sso_error; server tests cover each reason)', async () => {
    await page.goto(`${t.url}/console/?sso_error=no_account`);
    await page.getByRole('alert').getByText('no Gatehouse account has that email', { exact: false }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await shots('04-sso-refused');
  });

  it('sets up TOTP on the profile page: QR code and secret, a code, recovery codes shown once', async () => {
    await page.goto(`${t.url}/console/`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: EMAIL }).click();
    await page.getByRole('heading', { name: 'Your profile' }).waitFor();
    await shots('05-profile');
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    secret = (await page.getByLabel('TOTP secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await shots('06-totp-enrol');
    await page.getByLabel('Code from the app').fill(code());
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('group', { name: 'Recovery codes', exact: true });
    await codes.waitFor();
    recovery = (await codes.locator('code').allTextContents()).map((c) => c.trim());
    expect(recovery).toHaveLength(10);
    await shots('07-recovery-codes');
    await page.getByRole('button', { name: 'I saved them' }).click();
    await page.getByText('10 recovery codes left', { exact: false }).waitFor();
    await signOut();
  });

  it('asks for the code after the password; a wrong code is refused, the right one signs in', async () => {
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const field = page.getByLabel('Authentication code');
    await field.waitFor();
    await shots('08-totp-step');
    t.clock.advance(30);
    await field.fill(code(10));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').getByText('Wrong or already used code.').waitFor();
    await field.fill(code());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('link', { name: EMAIL }).waitFor();
    await signOut();
  });

  it('a recovery code signs in once', async () => {
    for (const expected of ['Environments', 'refused']) {
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByLabel('Authentication code').fill(recovery[0]!);
      await page.getByRole('button', { name: 'Verify' }).click();
      if (expected === 'Environments') {
        await page.getByRole('link', { name: EMAIL }).waitFor();
        await signOut();
      } else {
        await page.getByRole('alert').getByText('Wrong or already used code.').waitFor();
        await page.getByRole('button', { name: 'Start over' }).click();
      }
    }
  });

  it('changes the password on the profile page', async () => {
    t.clock.advance(30);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Authentication code').fill(code());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('link', { name: EMAIL }).click();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('a brand new passphrase 77');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed', { exact: true }).waitFor();
    await shots('09-password-changed');
    expect(problems).toEqual([]);
  });
});
