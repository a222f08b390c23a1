/**
 * Delegated administration in Debian's Chromium against a real Gatehouse (docs/security.md J-90, J-91,
 * J-92): an owner invited by an operator opens the link, sets a password and is signed in; sees
 * only its environment; invites a viewer from the Members tab (the link shown once); the viewer
 * accepts in the browser and finds every screen read-only with no enabled action button. Pending
 * invitations are listed under the members: the owner sees a new one at once and revokes one after
 * confirming (its link is refused); the viewer sees them with no Revoke button.
 * Screenshots at 1366 and 390 px land in `test-results/members-*.png`.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import { CLI_ACTOR } from '../../../server/src/context.js';
import { createEnvironment } from '../../../server/src/services/environments.js';
import { createInvitation } from '../../../server/src/services/invitations.js';
import { createIntegration } from '../../../server/src/services/integrations.js';
import { openConsole, skipAfterFailure, type ConsoleSession } from './browser.js';
import { expectAccessible } from './axe.js';
import { networkIdle } from './network.js';

const PASSWORD = 'violet tractor umbrella 42';
/** Words of buttons that change something: none may be enabled for a viewer. */
const ACTION = /create|save|delete|remove|rotate|invite|register|add|disable|enable|revoke|edit|grant/i;

describe('members in the browser', () => {
  let s: ConsoleSession;
  let t: TestServer;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let viewerLink = '';
  const shots = (name: string) => s.shots(`members-${name}`);
  const pathOf = (link: string) => new URL(link).pathname;

  beforeAll(async () => {
    s = await openConsole({
      server: { config: { requestTimeoutMs: 10_000 } },
      operators: [],
      timeoutMs: 15_000,
      expectedConsoleErrors: null,
      reportCsp: false,
    });
    ({ t, context, page, problems } = s);
    const ctx = t.server.runtime.ctx;
    for (const slug of ['alpha', 'beta'])
      await createEnvironment(ctx, CLI_ACTOR, slug, slug === 'alpha' ? 'Alpha tenant' : 'Beta tenant');
    await createIntegration(ctx, CLI_ACTOR, 'alpha', { name: 'Alpha renderer', preset: 'read-only' });
    await createIntegration(ctx, CLI_ACTOR, 'beta', { name: 'Beta secret backend', preset: 'all-permissions' });
  }, 240_000);
  skipAfterFailure();
  afterAll(async () => {
    await s?.close();
  });

  it('J-92 an invited owner opens the link, sets a password and is signed in', { timeout: 60_000 }, async () => {
    const { link } = await createInvitation(
      t.server.runtime.ctx,
      CLI_ACTOR,
      'alpha',
      'olga@tenant-a.test',
      'owner',
      t.url,
    );
    await page.goto(t.url + pathOf(link));
    await page.getByRole('heading', { name: 'Join Alpha tenant' }).waitFor();
    await shots('01-invitation');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Accept and sign in' }).click();
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
    await expect(page.getByText('olga@tenant-a.test').first().isVisible()).resolves.toBe(true);
    // The link works once.
    await context.clearCookies();
    await page.goto(t.url + pathOf(link));
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Accept and sign in' }).click();
    await page.getByText('already used or has expired').waitFor();
    await shots('02-invitation-used');
    await page.goto(`${t.url}/console/`);
    await page.getByLabel('Email').fill('olga@tenant-a.test');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
  });

  it('J-90 the member sees only its environment', { timeout: 60_000 }, async () => {
    const table = page.getByRole('table', { name: 'Environments' });
    await table.getByText('Alpha tenant').waitFor();
    await expect(table.getByText('Beta tenant').count()).resolves.toBe(0);
    await expect(table.getByText('default', { exact: true }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Create environment' }).count()).resolves.toBe(0);
    await shots('03-environments-owner');
    await page.goto(`${t.url}/console/environments/beta`);
    await page.getByText('environment not found').first().waitFor();
    await expect(page.getByText('Beta secret backend').count()).resolves.toBe(0);
  });

  it('J-91 the owner invites a viewer from the Members tab; the link is shown once', { timeout: 60_000 }, async () => {
    await page.goto(`${t.url}/console/environments/alpha/members`);
    await page.getByRole('form', { name: 'Invite a member' }).waitFor();
    await page.getByLabel('Email').fill('vic@tenant-a.test');
    await page.getByRole('combobox', { name: 'Role', exact: true }).click();
    await page.getByRole('option', { name: /^Viewer/ }).click();
    await page.getByRole('button', { name: 'Create invitation link' }).click();
    const shown = page.getByTestId('invitation-link');
    await shown.waitFor();
    viewerLink = (await shown.textContent()) ?? '';
    expect(viewerLink).toMatch(/\/console\/invitations\/[\w-]{40,}$/);
    // The new invitation is listed as pending at once (no reload).
    const pending = page.getByRole('table', { name: 'Pending invitations' });
    await pending.getByRole('row', { name: /vic@tenant-a\.test viewer/ }).waitFor();
    await shots('04-members-invited');
    await page.reload();
    await page.getByRole('table', { name: 'Members' }).waitFor();
    await expect(page.getByTestId('invitation-link').count()).resolves.toBe(0);
    // J-91 the last owner can be neither demoted nor removed: the console doesn't offer it.
    const members = page.getByRole('table', { name: 'Members' });
    await expect(members.getByRole('button', { name: 'Remove olga@tenant-a.test' }).count()).resolves.toBe(0);
    await expect(members.getByTestId('last-owner-note').textContent()).resolves.toBe('Last owner');
    await expect(members.getByLabel('Role of olga@tenant-a.test').isDisabled()).resolves.toBe(true);
  });

  it(
    'J-91 the owner revokes a pending invitation after confirming; its link stops working',
    { timeout: 60_000 },
    async () => {
      await page.getByLabel('Email').fill('wrong@tenant-a.test');
      await page.getByRole('combobox', { name: 'Role', exact: true }).click();
      await page.getByRole('option', { name: /^Owner/ }).click();
      await page.getByRole('button', { name: 'Create invitation link' }).click();
      const wrongLink = (await page.getByTestId('invitation-link').textContent()) ?? '';
      const pending = page.getByRole('table', { name: 'Pending invitations' });
      const row = pending.getByRole('row', { name: /wrong@tenant-a\.test owner/ });
      await row.waitFor();
      await expect(row.getByText('olga@tenant-a.test').isVisible()).resolves.toBe(true);
      await expectAccessible(page, 'members-pending-invitations');
      await shots('08-members-pending');
      await page.getByRole('button', { name: 'Revoke the invitation of wrong@tenant-a.test' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke this invitation?' });
      await dialog.waitFor();
      await expectAccessible(page, 'members-revoke-invitation');
      await shots('09-members-revoke-confirm');
      // Cancel keeps it; confirming revokes it.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect(row.count()).resolves.toBe(1);
      await page.getByRole('button', { name: 'Revoke the invitation of wrong@tenant-a.test' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke invitation' }).click();
      await row.waitFor({ state: 'detached' });
      // Its link, still shown from the invitation just made, is taken away too.
      await expect(page.getByTestId('invitation-link').count()).resolves.toBe(0);
      await expect(pending.getByRole('row', { name: /vic@tenant-a\.test/ }).count()).resolves.toBe(1);
      await shots('10-members-revoked');
      const refused = await fetch(`${t.url}/api/v1/invitations/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: pathOf(wrongLink).split('/').pop(), password: PASSWORD }),
      });
      expect(refused.status).toBe(400);
      expect(problems).toEqual([]);
    },
  );

  it(
    'J-91 the viewer accepts in the browser and can change nothing: no enabled action buttons',
    { timeout: 120_000 },
    async () => {
      // A pending invitation the viewer sees without any way to revoke it.
      await createInvitation(t.server.runtime.ctx, CLI_ACTOR, 'alpha', 'later@tenant-a.test', 'developer', t.url);
      await context.clearCookies();
      await page.goto(t.url + pathOf(viewerLink));
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Accept and sign in' }).click();
      await page.getByRole('table', { name: 'Environments' }).getByText('Alpha tenant').waitFor();
      const enabledActions = async () => {
        const names: string[] = [];
        for (const b of await page
          .locator('main button:not([disabled]), main [role="button"]:not([aria-disabled="true"]):not([disabled])')
          .all()) {
          if (!(await b.isVisible()) || (await b.isDisabled())) continue;
          const name = `${(await b.getAttribute('aria-label')) ?? ''} ${(await b.textContent()) ?? ''}`.trim();
          if (ACTION.test(name) && !/^Copy /.test(name)) names.push(name);
        }
        return names;
      };
      for (const tab of ['integrations', 'customers', 'apis', 'settings', 'audit', 'members']) {
        await page.goto(`${t.url}/console/environments/alpha/${tab}`);
        await page.getByRole('tabpanel').waitFor();
        await networkIdle(page);
        expect({ tab, enabled: await enabledActions() }).toEqual({ tab, enabled: [] });
        if (tab === 'members') {
          const pending = page.getByRole('table', { name: 'Pending invitations' });
          await expect(pending.getByRole('row', { name: /later@tenant-a\.test developer/ }).count()).resolves.toBe(1);
          await expect(pending.getByRole('button').count()).resolves.toBe(0);
          await expect(pending.getByRole('columnheader', { name: 'Actions' }).count()).resolves.toBe(0);
          await expectAccessible(page, 'members-pending-invitations-viewer');
        }
        if (tab === 'integrations' || tab === 'settings' || tab === 'members') await shots(`05-viewer-${tab}`);
      }
      await expect(page.getByRole('tab', { name: 'Customer tokens' }).count()).resolves.toBe(0);
      await page.goto(`${t.url}/console/environments/alpha/integrations`);
      await page.getByRole('link', { name: 'Alpha renderer' }).click();
      for (const tab of ['general', 'permissions']) {
        await page.getByRole('tab', { name: tab === 'general' ? 'General' : 'Permissions' }).click();
        await page.getByRole('tabpanel').waitFor();
        await networkIdle(page);
        expect({ tab, enabled: await enabledActions() }).toEqual({ tab, enabled: [] });
        await expect(page.getByRole('tabpanel').getByTestId('read-only-note').isVisible()).resolves.toBe(true);
      }
      await shots('06-viewer-integration');
      expect(problems).toEqual([]);
    },
  );

  it(
    "a developer's General tab: Rotate secret enabled; Enabled switch, Revoke tokens and Delete disabled, and why",
    { timeout: 120_000 },
    async () => {
      const { link } = await createInvitation(
        t.server.runtime.ctx,
        CLI_ACTOR,
        'alpha',
        'dev@tenant-a.test',
        'developer',
        t.url,
      );
      await context.clearCookies();
      await page.goto(t.url + pathOf(link));
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Accept and sign in' }).click();
      await page.getByRole('table', { name: 'Environments' }).getByText('Alpha tenant').waitFor();
      await page.goto(`${t.url}/console/environments/alpha/integrations`);
      await page.getByRole('link', { name: 'Alpha renderer' }).click();
      const panel = page.getByRole('tabpanel');
      await panel.getByRole('button', { name: 'Rotate secret' }).waitFor();
      await networkIdle(page);
      await expect(panel.getByRole('button', { name: 'Rotate secret' }).isEnabled()).resolves.toBe(true);
      for (const name of ['Revoke tokens', 'Delete'])
        await expect(panel.getByRole('button', { name, exact: true }).isDisabled()).resolves.toBe(true);
      await expect(panel.getByRole('switch').isDisabled()).resolves.toBe(true);
      await expect(panel.getByTestId('read-only-note').textContent()).resolves.toMatch(
        /developer.*can rotate.*can't enable or disable it, revoke its tokens, change its keys or delete it/,
      );
      await shots('07-developer-integration');
      expect(problems).toEqual([]);
    },
  );
});
