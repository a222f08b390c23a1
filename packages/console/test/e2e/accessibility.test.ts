/**
 * Accessibility and layout of every console screen, in Debian's Chromium against a real Gatehouse:
 * axe-core's WCAG 2.1 A/AA rules find nothing on any screen or state (sign-in and its error, the
 * environments list, every environment and integration tab, each dialog, empty and error states),
 * at 1366 px and at 390 px, where nothing is wider than the window and tables that scroll sideways
 * say so; every control on a screen is reached with Tab; the main flow (create an integration,
 * copy its secret, close the dialog) works with the keyboard alone.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../../server/src/context.js';
import { createEnvironment } from '../../../server/src/services/environments.js';
import { createIntegration, updateIntegration } from '../../../server/src/services/integrations.js';
import { token } from '@gatehouse/testing/http';
import { checkedStates, expectAccessible } from './axe.js';
import { NARROW, openConsole, narrowOverflow, WIDE, type ConsoleSession } from './browser.js';
import { createBrochureBuilder, createInvoicesApi } from './seed.js';
import { expectKeyboardReachable, tabTo } from './keyboard.js';
import { networkIdle } from './network.js';

/** One screen or state: how to get there from anywhere (ends with the state on screen). */
interface Screen {
  name: string;
  open: (page: Page) => Promise<void>;
}

describe('console accessibility', () => {
  let s: ConsoleSession;
  let page: Page;
  let clientId = '';

  beforeAll(async () => {
    s = await openConsole();
    page = s.page;
    const ctx = s.t.server.runtime.ctx;
    await createEnvironment(ctx, CLI_ACTOR, 'staging-eu', 'Staging (EU)');
    await createInvoicesApi(ctx);
    clientId = await createBrochureBuilder(ctx);
    const disabled = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'Disabled job', preset: 'read-only' });
    await updateIntegration(ctx, CLI_ACTOR, disabled.client_id, { enabled: false });
    await s.t.server.runtime.changes.poll();
  }, 180_000);
  afterAll(async () => {
    await s?.close();
  });

  const env = (tab: string) => async (p: Page) => {
    await p.goto(`${s.t.url}/console/environments/default/${tab}`);
    await p.getByRole('tab', { selected: true }).first().waitFor();
    await networkIdle(p);
  };
  const integration = (tab: string) => async (p: Page) => {
    await p.goto(`${s.t.url}/console/environments/default/integrations/${clientId}/${tab}`);
    await p.getByRole('tab', { selected: true }).first().waitFor();
    await networkIdle(p);
  };
  const dialog = (name: string) => (p: Page) => p.getByRole('dialog', { name }).waitFor();

  const screens = (): Screen[] => [
    {
      name: 'environments',
      open: async (p) => (
        await p.goto(`${s.t.url}/console/`),
        await p.getByRole('table', { name: 'Environments' }).waitFor(),
        await networkIdle(p)
      ),
    },
    {
      name: 'environments-create-environment-dialog',
      open: async (p) => (
        await screens()[0]!.open(p),
        await p.getByRole('button', { name: 'Create environment' }).click(),
        await dialog('Create environment')(p)
      ),
    },
    { name: 'environment-integrations', open: env('integrations') },
    {
      name: 'environment-integrations-no-match',
      open: async (p) => (
        await env('integrations')(p),
        await p.getByLabel('Search').fill('nothing like it'),
        await p.getByText('No integration matches').waitFor()
      ),
    },
    {
      name: 'environment-integrations-empty',
      open: async (p) => (
        await p.goto(`${s.t.url}/console/environments/staging-eu`),
        await p.getByText('No integrations yet').waitFor(),
        await networkIdle(p)
      ),
    },
    {
      name: 'create-integration-dialog',
      open: async (p) => {
        await env('integrations')(p);
        await p.getByRole('button', { name: 'Create integration' }).click();
        await dialog('Create integration')(p);
        await p.getByRole('dialog').getByText('Private key', { exact: true }).click();
        await p.getByLabel('Public keys (JWKS)').waitFor();
      },
    },
    {
      name: 'integration-created-secret-dialog',
      open: async (p) => {
        await env('integrations')(p);
        await p.getByRole('button', { name: 'Create integration' }).click();
        await p
          .getByRole('dialog', { name: 'Create integration' })
          .getByLabel('Name', { exact: false })
          .first()
          .fill(`Nightly export ${Date.now()}`);
        await p
          .getByRole('dialog', { name: 'Create integration' })
          .getByRole('button', { name: 'Create integration' })
          .click();
        await dialog('Integration created')(p);
      },
    },
    { name: 'environment-customers-empty', open: env('customers') },
    { name: 'environment-apis', open: env('apis') },
    {
      name: 'environment-apis-register-dialog',
      open: async (p) => (
        await env('apis')(p),
        await p
          .getByRole('button', { name: /Register API/ })
          .first()
          .click(),
        await p.getByRole('dialog').waitFor()
      ),
    },
    { name: 'environment-customer-tokens', open: env('customer-tokens') },
    { name: 'environment-settings', open: env('settings') },
    {
      name: 'environment-settings-saved',
      open: async (p) => (
        await env('settings')(p),
        await p.getByRole('button', { name: 'Save', exact: true }).click(),
        await p.getByTestId('saved-note').waitFor()
      ),
    },
    {
      name: 'environment-customer-tokens-secret-shown',
      open: async (p) => {
        await env('customer-tokens')(p);
        const create = p.getByRole('button', { name: /Create secret|Rotate environment secret/ });
        await create.click();
        await p.getByTestId('environment-secret').waitFor();
      },
    },
    { name: 'environment-audit', open: env('audit') },
    {
      name: 'environment-not-found-error',
      open: async (p) => (
        await p.goto(`${s.t.url}/console/environments/no-such-env`),
        await p.getByRole('alert').waitFor()
      ),
    },
    { name: 'integration-general', open: integration('general') },
    {
      name: 'integration-rotate-dialog',
      open: async (p) => (
        await integration('general')(p),
        await p.getByRole('button', { name: 'Rotate secret' }).click(),
        await dialog('Rotate secret')(p)
      ),
    },
    {
      name: 'integration-secret-rotated',
      open: async (p) => {
        await integration('general')(p);
        await p.getByRole('button', { name: 'Rotate secret' }).click();
        await p
          .getByRole('dialog', { name: 'Rotate secret' })
          .getByRole('button', { name: /Rotate/ })
          .last()
          .click();
        await p.getByTestId('client-secret').waitFor();
        await p.getByRole('dialog').waitFor({ state: 'detached' });
      },
    },
    {
      name: 'integration-revoke-dialog',
      open: async (p) => (
        await integration('general')(p),
        await p.getByRole('button', { name: 'Revoke tokens' }).click(),
        await dialog('Revoke tokens')(p)
      ),
    },
    {
      name: 'integration-delete-dialog',
      open: async (p) => (
        await integration('general')(p),
        await p.getByRole('button', { name: 'Delete', exact: true }).click(),
        await dialog('Delete integration')(p)
      ),
    },
    { name: 'integration-permissions', open: integration('permissions') },
    {
      name: 'integration-permissions-saved',
      open: async (p) => {
        await integration('permissions')(p);
        const box = p.getByRole('checkbox', { name: 'fonts:read' });
        await ((await box.isChecked()) ? box.uncheck() : box.check());
        await p.getByRole('button', { name: 'Save', exact: true }).click();
        await p.getByTestId('saved-note').waitFor();
      },
    },
    { name: 'integration-try-it', open: integration('try-it') },
    {
      name: 'integration-not-found-error',
      open: async (p) => (
        await p.goto(`${s.t.url}/console/environments/default/integrations/nope`),
        await p.getByRole('alert').waitFor()
      ),
    },
  ];

  it('sign-in and its error state have no WCAG 2.1 A/AA violation at 1366 and 390 px', async () => {
    const failures: string[] = [];
    for (const viewport of [WIDE, NARROW]) {
      await page.setViewportSize(viewport);
      await page.goto(`${s.t.url}/console/`);
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await check(`sign-in-${viewport.width}`, failures);
      await page.getByLabel('Email').fill('nobody@example.com');
      await page.getByLabel('Password', { exact: true }).fill('wrong password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await check(`sign-in-refused-${viewport.width}`, failures);
    }
    expect(failures.join('\n\n')).toBe('');
  }, 120_000);

  async function check(name: string, failures: string[]): Promise<void> {
    await s.shot(`a11y-${name}`);
    await expectAccessible(page, name).catch((err: Error) => failures.push(err.message));
    const overflow = await narrowOverflow(page, name);
    if (overflow) failures.push(overflow);
  }

  it('every signed-in screen, tab, dialog, empty and error state has no WCAG 2.1 A/AA violation and fits 390 px', async () => {
    await page.setViewportSize(WIDE);
    await s.signIn();
    const failures: string[] = [];
    // Each state is reached once, then checked at both widths: the window narrowed under it, as a
    // user's would be (the console's layout follows resizes), instead of reaching it twice.
    for (const screen of screens()) {
      await page.setViewportSize(WIDE);
      await screen.open(page);
      for (const viewport of [WIDE, NARROW]) {
        await page.setViewportSize(viewport);
        await check(`${screen.name}-${viewport.width}`, failures);
      }
    }
    await page.setViewportSize(WIDE);
    expect(failures.join('\n\n')).toBe('');
    expect(checkedStates.length).toBeGreaterThanOrEqual(2 * screens().length);
  }, 600_000);

  it('every control of the main screens is reached with Tab', async () => {
    await page.setViewportSize(WIDE);
    const failures: string[] = [];
    for (const screen of screens().filter((x) => !/dialog|error|secret-rotated/.test(x.name))) {
      await screen.open(page);
      await expectKeyboardReachable(page, screen.name).catch((err: Error) => failures.push(err.message));
    }
    expect(failures.join('\n')).toBe('');
  }, 240_000);

  it('creates an integration, copies its secret and closes the dialog with the keyboard alone', async () => {
    await page.setViewportSize(WIDE);
    await page.goto(`${s.t.url}/console/environments/default`);
    await page.getByRole('table', { name: 'Integrations' }).waitFor();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await tabTo(page, 'Create integration');
    await page.keyboard.press('Enter');
    const form = page.getByRole('dialog', { name: 'Create integration' });
    await form.waitFor();
    // Focus starts in the dialog on the name.
    await page.waitForFunction(
      () =>
        (document.activeElement as HTMLInputElement | null)?.closest('[role="dialog"]') !== null &&
        document.activeElement?.tagName === 'INPUT',
    );
    await page.keyboard.type('Keyboard-made job');
    await tabTo(page, 'Description');
    await page.keyboard.type('Made without a mouse');
    // The permissions radio group is one Tab stop; arrows choose inside it.
    await tabTo(page, /^Read-only/);
    await page.keyboard.press('ArrowDown');
    await expect(form.getByRole('radio', { name: 'All permissions' }).isChecked()).resolves.toBe(true);
    await tabTo(page, 'Create integration');
    await page.keyboard.press('Enter');
    const done = page.getByRole('dialog', { name: 'Integration created' });
    await done.getByTestId('client-secret').waitFor();
    const secret = (await done.getByTestId('client-secret').textContent())!;
    const id = (await done.getByTestId('client-id').textContent())!;
    await s.t.server.runtime.changes.poll();
    expect((await token(s.t.url, id, secret)).status).toBe(200);
    // The copy button is reachable and works from the keyboard (its tooltip then says "Copied").
    await s.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.t.url });
    await tabTo(page, 'Copy Client secret');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(secret);
    // Done closes the dialog; focus goes back to the page.
    await tabTo(page, 'Done');
    await page.keyboard.press('Enter');
    await done.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Keyboard-made job' }).waitFor();
    // Escape closes a dialog too.
    await tabTo(page, 'Create integration', { back: true });
    await page.keyboard.press('Enter');
    await form.waitFor();
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
  }, 120_000);
});
