/**
 * Every action reachable by keyboard (issue #19 item 7) on the screens added since
 * accessibility.test.ts was written, in Debian's Chromium against a real Gatehouse at 1366 px:
 * the Members tab (list, invitation form, the link shown once), the invitation page, the usage
 * card on an integration's General tab, the audit filters with results, a customer's details and
 * its delete confirmation, the API edit and delete dialogs, the delete-environment card and its
 * dialog, a viewer's and a developer's screens, the profile page (change password, TOTP
 * enrolment, recovery codes) and the sign-in page with its TOTP step. On each, a Tab walk from
 * the top must reach every visible, enabled control (`expectKeyboardReachable`).
 */
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../../server/src/context.js';
import { createAdmin } from '../../../server/src/services/admins.js';
import { EMAIL, PASSWORD, WIDE, type ConsoleSession } from './browser.js';
import { expectKeyboardReachable } from './keyboard.js';
import { MEMBER_PASSWORD, newScreensFixture, type Screen } from './new-screens.js';

const TOTP_EMAIL = 'tess@example.com';
const TOTP_PASSWORD = 'seven purple lanterns 19';

describe('every action of the newer screens is reachable with Tab', () => {
  let s: ConsoleSession;
  let page: Page;
  const fixture = newScreensFixture();
  const { signInAs, settled, env, dialog, pick } = fixture;

  beforeAll(async () => {
    s = await fixture.start();
    page = s.page;
    await createAdmin(s.t.server.runtime.ctx, CLI_ACTOR, TOTP_EMAIL, TOTP_PASSWORD);
    await s.t.server.runtime.changes.poll();
  }, 180_000);
  afterAll(async () => {
    await fixture.close();
  });

  const failures: string[] = [];
  async function checkAll(screens: Screen[]): Promise<void> {
    await page.setViewportSize(WIDE);
    for (const screen of screens) {
      await screen.open(page);
      await expectKeyboardReachable(page, screen.name).catch((err: Error) => failures.push(err.message));
      // The walk really went through the screen (inside the dialog, when one is open).
      const reached = await page.evaluate(() => {
        const modal = document.querySelector('[role="dialog"][aria-modal="true"]') ?? document;
        return modal.querySelectorAll('[data-kb-seen]').length;
      });
      if (reached < 1) failures.push(`${screen.name}: Tab reached no control at all`);
    }
  }

  it("an administrator's newer screens: every control reachable with Tab", async () => {
    await s.signIn();
    const before = failures.length;
    await checkAll([
      ...pick(
        'members',
        'members-invitation-link-shown',
        'integration-general-usage',
        'audit-with-changes',
        'audit-filtered',
        'customers',
        'customer-detail',
        'customer-delete-confirm',
      ),
      {
        name: 'apis',
        open: async (p) => (await env('apis')(p), await p.getByRole('button', { name: 'Edit Invoices' }).waitFor()),
      },
      ...pick('api-edit', 'api-delete', 'settings-delete-environment-card', 'delete-environment-typed'),
    ]);
    expect(failures.slice(before).join('\n')).toBe('');
  }, 600_000);

  it('the invitation page: every control reachable with Tab', async () => {
    await s.context.clearCookies();
    const before = failures.length;
    await checkAll(pick('invitation'));
    expect(failures.slice(before).join('\n')).toBe('');
  }, 300_000);

  it("a viewer's and a developer's screens: every control reachable with Tab", async () => {
    const before = failures.length;
    await signInAs('vic@tenant.test', MEMBER_PASSWORD);
    await checkAll([
      ...pick(...['integrations', 'customers', 'apis', 'settings', 'audit', 'members'].map((tab) => `viewer-${tab}`)),
      {
        name: 'viewer-customer-detail',
        open: async (p) => (
          await env('customers')(p),
          await p.getByRole('button', { name: 'View customer cus_42' }).click(),
          await dialog('Customer Acme Ltd')(p)
        ),
      },
      ...pick('viewer-integration-general'),
    ]);
    await signInAs('dev@tenant.test', MEMBER_PASSWORD);
    await checkAll(pick('developer-integration-general'));
    expect(failures.slice(before).join('\n')).toBe('');
  }, 600_000);

  it('the profile page (change password, TOTP enrolment) and the sign-in TOTP step: every control reachable with Tab', async () => {
    const before = failures.length;
    let secret = '';
    const code = () =>
      new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
        timestamp: s.t.clock.now(),
      });
    await s.context.clearCookies();
    await checkAll([
      {
        name: 'sign-in',
        open: async (p) => (await p.goto(`${s.t.url}/console/`), await p.getByLabel('Email').waitFor()),
      },
    ]);
    await signInAs(TOTP_EMAIL, TOTP_PASSWORD);
    await checkAll([
      {
        name: 'profile',
        open: async (p) => (
          await p.goto(`${s.t.url}/console/profile`),
          await p.getByRole('heading', { name: 'Your profile' }).waitFor(),
          await settled(p)
        ),
      },
      {
        name: 'profile-totp-enrol',
        open: async (p) => {
          await p.getByLabel('Account password').fill(TOTP_PASSWORD);
          await p.getByRole('button', { name: 'Set up two-factor authentication' }).click();
          await p.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
          secret = (await p.getByLabel('TOTP secret').textContent())!.trim();
        },
      },
      {
        name: 'profile-recovery-codes',
        open: async (p) => {
          await p.getByLabel('Code from the app').fill(code());
          await p.getByRole('button', { name: 'Turn on' }).click();
          await p.getByRole('group', { name: 'Recovery codes', exact: true }).waitFor();
        },
      },
      {
        name: 'profile-totp-on',
        open: async (p) => {
          await p.getByRole('button', { name: 'I saved them' }).click();
          await p.getByText('10 recovery codes left', { exact: false }).waitFor();
        },
      },
    ]);
    await s.context.clearCookies();
    await checkAll([
      {
        name: 'sign-in-totp-step',
        open: async (p) => {
          await p.goto(`${s.t.url}/console/`);
          await p.getByLabel('Email').fill(TOTP_EMAIL);
          await p.getByLabel('Password', { exact: true }).fill(TOTP_PASSWORD);
          await p.getByRole('button', { name: 'Sign in', exact: true }).click();
          await p.getByLabel('Authentication code').waitFor();
        },
      },
    ]);
    expect(failures.slice(before).join('\n')).toBe('');
    await signInAs(EMAIL, PASSWORD);
  }, 600_000);
});
