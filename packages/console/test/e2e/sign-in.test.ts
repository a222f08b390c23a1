/**
 * Console sign-in in Debian's Chromium against a real Gatehouse and a real OpenID Connect provider
 * (node-oidc-provider): "Sign in with SSO" → the provider's login form → back signed in; then an
 * operator with a password sets up TOTP on the profile page (QR code, secret, code, recovery codes
 * shown once), signs out, signs in with password + code, uses a recovery code, and changes the
 * password. Screenshots at 1366 px and 390 px land in `test-results/sign-in-*.png`.
 */
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import type { TestIdp } from '@gatehouse/testing/oidc-idp';
import { freePort } from '@gatehouse/testing/node-process';
import { startWithIdp } from '@gatehouse/testing/sso-server';
import { EMAIL, openConsole, PASSWORD, RESULTS, skipAfterFailure, type ConsoleSession } from './browser.js';

const SSO_EMAIL = 'ada@example.com';

describe('console sign-in in the browser: SSO, TOTP, profile', () => {
  let s: ConsoleSession;
  let t: TestServer;
  let idp: TestIdp;
  let page: Page;
  let problems: string[];
  let secret = '';
  let recovery: string[] = [];
  const shots = (name: string) => s.shots(`sign-in-${name}`);
  const code = (steps = 0) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
      timestamp: t.clock.now() + steps * 30_000,
    });
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  };

  beforeAll(async () => {
    // The provider must know Gatehouse's redirect URI before Gatehouse starts: a free port first.
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    ({ t, idp } = await startWithIdp(
      'sqlite',
      {
        ada: { email: SSO_EMAIL, email_verified: true },
        bob: { email: 'bob@example.com', email_verified: true },
      },
      { config: { port, issuer: base }, sso: { name: 'Example ID' } },
    ));
    s = await openConsole({
      testServer: t,
      operators: [
        { email: SSO_EMAIL, password: 'an unused password for ada' },
        { email: EMAIL, password: PASSWORD },
      ],
      timeoutMs: 15_000,
      // Problems on Gatehouse's pages only (the provider's dev login page imports a web font it can't reach offline).
      consoleOrigin: base,
      expectedConsoleErrors: /status of 40[1349]/,
      reportCsp: false,
    });
    ({ page, problems } = s);
  }, 240_000);
  skipAfterFailure();
  afterAll(async () => {
    await (s ? s.close() : t?.close());
    await idp?.close();
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
    // Setting up TOTP asks for the account's password (ASVS 5.0 7.5.1).
    await page.getByLabel('Account password').fill(PASSWORD);
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
