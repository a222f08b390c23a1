/**
 * No console action the server will refuse (#18, #19), in Debian's Chromium against a real
 * Gatehouse: a developer finds "Rotate secret" disabled, with the reason, on an integration holding
 * more than content scopes and enabled on a content-only one; a key-only integration offers no
 * "Rotate secret" at all; an owner requires TOTP from the Settings tab (Saved) and is then sent to
 * the profile page, as is a member whose environment starts requiring it mid-session, with a notice
 * naming the environment. axe passes on each screen; screenshots at 1366 and 390 px land in
 * `test-results/console-actions-*.png`.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import { testKey } from '@gatehouse/testing/assertion';
import { CLI_ACTOR } from '../../../server/src/context.js';
import { createEnvironment } from '../../../server/src/services/environments.js';
import { createInvitation } from '../../../server/src/services/invitations.js';
import { createIntegration } from '../../../server/src/services/integrations.js';
import { setRequireTotp } from '../../../server/src/services/second-factor-requirement.js';
import { expectAccessible } from './axe.js';
import { expectKeyboardReachable } from './keyboard.js';
import { openConsole, skipAfterFailure, type ConsoleSession } from './browser.js';
import { networkIdle } from './network.js';
import { stored } from '@gatehouse/testing/stored';

const PASSWORD = 'violet tractor umbrella 42';

describe('console actions in the browser', () => {
  let s: ConsoleSession;
  let t: TestServer;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  const ids = { strong: '', content: '', keyOnly: '' };
  const shots = (name: string) => s.shots(`console-actions-${name}`);
  /** Accepts an invitation of `email` as `role` in alpha in the browser: signed in from then on. */
  const join_ = async (email: string, role: 'owner' | 'developer') => {
    const { link } = await createInvitation(t.server.runtime.ctx, CLI_ACTOR, 'alpha', email, role, t.url);
    await context.clearCookies();
    await page.goto(t.url + new URL(link).pathname);
    await page.getByRole('heading', { name: 'Join Alpha tenant' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Accept and sign in' }).click();
    await page.getByRole('table', { name: 'Environments' }).getByText('Alpha tenant').waitFor();
  };
  const openIntegration = async (clientId: string) => {
    await page.goto(`${t.url}/console/environments/alpha/integrations/${clientId}`);
    await page.getByRole('tabpanel').getByText('Client ID').first().waitFor();
    await networkIdle(page);
  };

  beforeAll(async () => {
    // Members only: no operator; answers refused on purpose (40x) are expected console errors.
    s = await openConsole({ operators: [], timeoutMs: 15_000 });
    ({ t, context, page, problems } = s);
    const ctx = t.server.runtime.ctx;
    await createEnvironment(ctx, CLI_ACTOR, 'alpha', 'Alpha tenant');
    ids.strong = (
      await createIntegration(ctx, CLI_ACTOR, 'alpha', { name: 'Alpha backend', preset: 'all-permissions' })
    ).client_id;
    ids.content = (
      await createIntegration(ctx, CLI_ACTOR, 'alpha', { name: 'Alpha renderer', preset: 'read-only' })
    ).client_id;
    ids.keyOnly = (
      await createIntegration(ctx, CLI_ACTOR, 'alpha', {
        name: 'Alpha signer',
        preset: 'read-only',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [(await testKey('ES256')).jwk] },
      })
    ).client_id;
  }, 240_000);
  skipAfterFailure();
  afterAll(() => s?.close());

  it(
    'a developer: Rotate secret disabled with the reason on a strong integration, enabled on a content-only one',
    { timeout: 120_000 },
    async () => {
      await join_('dev@tenant-a.test', 'developer');
      await openIntegration(ids.strong);
      const panel = page.getByRole('tabpanel');
      for (const name of ['Rotate secret', 'Revoke tokens', 'Delete'])
        await expect(panel.getByRole('button', { name, exact: true }).isDisabled()).resolves.toBe(true);
      await expect(panel.getByRole('switch').isDisabled()).resolves.toBe(true);
      await expect(panel.getByTestId('read-only-note').textContent()).resolves.toMatch(
        /developer.*can't enable or disable it, revoke its tokens, change its keys or delete it\. You can't rotate its secret: a developer manages only integrations with content scopes, and this one holds /,
      );
      await expectAccessible(page, 'developer on a strong integration');
      await expectKeyboardReachable(page, 'developer on a strong integration');
      await shots('01-developer-strong');
      // Permissions: read only, with the same reason the server gives.
      await page.getByRole('tab', { name: 'Permissions' }).click();
      await expect(page.getByRole('tabpanel').getByTestId('read-only-note').textContent()).resolves.toMatch(
        /developer.*can't change permissions/,
      );

      await openIntegration(ids.content);
      await expect(panel.getByRole('button', { name: 'Rotate secret' }).isEnabled()).resolves.toBe(true);
      await expect(panel.getByTestId('read-only-note').textContent()).resolves.toMatch(
        /developer.*can rotate its secret, but can't enable or disable it, revoke its tokens, change its keys or delete it/,
      );
      // What is enabled works: the server rotates it.
      await panel.getByRole('button', { name: 'Rotate secret' }).click();
      await page.getByRole('dialog', { name: 'Rotate secret' }).getByRole('button', { name: 'Rotate now' }).click();
      await page.getByText('Secret rotated').first().waitFor();
      // Creating: the server refuses every permission to a developer, so the console doesn't offer it.
      await page.goto(`${t.url}/console/environments/alpha/integrations`);
      await page.getByRole('button', { name: 'Create integration' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create integration' });
      await expect(dialog.getByRole('radio', { name: 'All permissions' }).isDisabled()).resolves.toBe(true);
      await dialog.getByText('Not for your role: you may grant only projects:read').waitFor();
      await expect(dialog.getByRole('radio', { name: 'Read-only' }).isEnabled()).resolves.toBe(true);
      await page.keyboard.press('Escape');
      expect(problems).toEqual([]);
    },
  );

  it('a key-only integration offers no Rotate secret, but its keys', { timeout: 60_000 }, async () => {
    await openIntegration(ids.keyOnly);
    const panel = page.getByRole('tabpanel');
    await expect(panel.getByRole('button', { name: 'Rotate secret' }).count()).resolves.toBe(0);
    await panel.getByText('Manage its keys under Authentication below').waitFor();
    await panel.getByRole('table', { name: 'Client keys' }).waitFor();
    await expectAccessible(page, 'developer on a key-only integration');
    await shots('02-developer-key-only');
  });

  it(
    'an owner requires TOTP from the Settings tab (Saved); without TOTP, its next step leads to the profile',
    { timeout: 120_000 },
    async () => {
      await join_('olga@tenant-a.test', 'owner');
      await page.goto(`${t.url}/console/environments/alpha/settings`);
      const toggle = page.getByRole('switch', { name: 'Require two-factor authentication of members' });
      await toggle.waitFor();
      await networkIdle(page);
      await expect(toggle.isChecked()).resolves.toBe(false);
      await expect(toggle.isEnabled()).resolves.toBe(true);
      await expectAccessible(page, 'settings with require TOTP');
      await expectKeyboardReachable(page, 'settings with require TOTP');
      await toggle.focus();
      await page.keyboard.press('Space');
      await page.getByTestId('saved-note').waitFor();
      await expect(toggle.isChecked()).resolves.toBe(true);
      expect((await stored(t).environments()).find((e) => e.slug === 'alpha')!.require_totp).toBe(1);
      await shots('03-owner-settings-saved');
      // The owner has no TOTP either: the next call is refused and the console sends it to set it up.
      await page.getByRole('tab', { name: 'Integrations' }).click();
      await page.waitForURL(/\/console\/profile$/);
      await expect(page.getByTestId('totp-required-note').textContent()).resolves.toMatch(
        /Environment alpha requires two-factor authentication of its members/,
      );
      // Enrolled, the owner can't turn it off while alpha requires it: no dead "Turn off", a note.
      await page.getByLabel('Account password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
      const secret = (await page.getByLabel('TOTP secret').textContent())!.trim();
      const totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6, algorithm: 'SHA1' });
      await page.getByLabel('Code from the app').fill(totp.generate({ timestamp: t.clock.now() }));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByRole('button', { name: 'I saved them' }).click();
      await expect(page.getByTestId('totp-kept-note').textContent()).resolves.toMatch(
        /Environment alpha requires two-factor authentication of its members\. It can't be turned off\./,
      );
      await expect(page.getByRole('button', { name: 'Turn off' }).count()).resolves.toBe(0);
      await expectAccessible(page, 'profile: TOTP kept on by an environment');
      await shots('03b-owner-totp-kept');
      await setRequireTotp(t.server.runtime.ctx, CLI_ACTOR, 'alpha', false);
    },
  );

  it(
    'a signed-in member whose environment starts requiring TOTP is sent to the profile page, which says which',
    { timeout: 120_000 },
    async () => {
      await context.clearCookies();
      await page.goto(`${t.url}/console/`);
      await page.getByLabel('Email').fill('dev@tenant-a.test');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('table', { name: 'Environments' }).getByText('Alpha tenant').waitFor();
      await page.goto(`${t.url}/console/environments/alpha/integrations`);
      await page.getByRole('link', { name: 'Alpha renderer' }).waitFor();
      await setRequireTotp(t.server.runtime.ctx, CLI_ACTOR, 'alpha', true);
      await page.getByRole('link', { name: 'Alpha renderer' }).click();
      await page.waitForURL(/\/console\/profile$/);
      await expect(page.getByTestId('totp-required-note').textContent()).resolves.toMatch(
        /Environment alpha requires two-factor authentication of its members\. Set it up to continue\./,
      );
      await page.getByRole('button', { name: 'Set up two-factor authentication' }).waitFor();
      await expectAccessible(page, 'profile: TOTP required by an environment');
      await shots('04-member-sent-to-profile');
      // Signing in again lands there too (the server-wide redirect, now also for environments).
      await page.goto(`${t.url}/console/environments/alpha`);
      await page.waitForURL(/\/console\/profile$/);
      expect(problems).toEqual([]);
    },
  );
});
