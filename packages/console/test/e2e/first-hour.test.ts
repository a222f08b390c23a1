/**
 * The console of a newcomer's first hour (issue #25 item 6) and the token-exchange control (issue
 * #27), in Debian's Chromium against a real Gatehouse, each at 1366 and 390 px with no axe-core
 * WCAG 2.1 A/AA violation and nothing wider than a 390 px window:
 * - the Permissions tab turns token exchange on and off and edits its audiences (the API agrees);
 * - an account menu reaches the profile at 390 px, where the email link is hidden;
 * - the audit log shows result badges whole, integration names beside client IDs, and what a
 *   creation or a change recorded;
 * - the invitation page says which environment, role and email;
 * - recovery codes can be copied and downloaded, and the badge says "On" as they show;
 * - the integration list has authentication-method and last-use columns, and counts every API's
 *   permissions (tenant-API scopes alone are not "No permissions");
 * - "Try it" of a key-only integration shows private_key_jwt snippets, never `client_secret`;
 * - (issue #29) a render error shows the one error page, with a way back, instead of a blank page.
 * One browser and one server for the file; screenshots land in `test-results/first-hour-*.png`.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { testKey } from '@gatehouse/testing/assertion';
import { CLI_ACTOR } from '../../../server/src/context.js';
import { createIntegration } from '../../../server/src/services/integrations.js';
import { createInvitation } from '../../../server/src/services/invitations.js';
import { expectAccessible, settle } from './axe.js';
import { EMAIL, NARROW, narrowOverflow, openConsole, PASSWORD, WIDE, type ConsoleSession } from './browser.js';
import { createBrochureBuilder, createInvoicesApi } from './seed.js';

const INVOICES = 'https://invoices.example.com';

describe('the console of the first hour', () => {
  let s: ConsoleSession;
  let page: Page;
  const ids = { brochure: '', invoices: '', keyOnly: '' };
  let runnerSecret = '';
  const failures: string[] = [];

  /** Screenshot, axe and the 390 px fit of the current screen, at both widths (`prepare` re-opens it after a resize). */
  async function checkBoth(name: string, prepare?: () => Promise<void>): Promise<void> {
    for (const size of [WIDE, NARROW]) {
      await page.setViewportSize(size);
      if (prepare) await prepare();
      await settle(page);
      const label = `${name}-${size.width}`;
      await s.shot(`first-hour-${label}`);
      await expectAccessible(page, label).catch((err: Error) => failures.push(err.message));
      const overflow = await narrowOverflow(page, label);
      if (overflow) failures.push(overflow);
    }
    await page.setViewportSize(WIDE);
  }
  const api = async (path: string) =>
    (await page.evaluate(
      async (p) => (await fetch(`/api/v1${p}`, { headers: { accept: 'application/json' } })).json(),
      path,
    )) as Record<string, unknown>;

  beforeAll(async () => {
    s = await openConsole();
    page = s.page;
    const ctx = s.t.server.runtime.ctx;
    await createInvoicesApi(ctx);
    ids.brochure = await createBrochureBuilder(ctx);
    ids.invoices = (
      await createIntegration(ctx, CLI_ACTOR, 'default', {
        name: 'Invoice reader',
        grants: [{ audience: INVOICES, scopes: ['invoices:read'] }],
      })
    ).client_id;
    ids.keyOnly = (
      await createIntegration(ctx, CLI_ACTOR, 'default', {
        name: 'Key runner',
        preset: 'read-only',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [(await testKey('ES256')).jwk] },
      })
    ).client_id;
    // A second integration with a secret, to mint a token as (the audit shows it by name).
    const minted = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'Report runner', preset: 'read-only' });
    runnerSecret = minted.client_secret!;
    const token = await fetch(`${s.t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: minted.client_id,
        client_secret: runnerSecret,
      }),
    });
    expect(token.status).toBe(200);
    await s.t.server.runtime.usage.flush();
    await s.t.server.runtime.changes.poll();
    await s.signIn();
  }, 180_000);
  afterAll(async () => {
    await s?.close();
  });
  // Each test reports its own screens' failures.
  beforeEach(() => {
    failures.length = 0;
  });

  it('#27 the Permissions tab turns token exchange on, limits its audiences, widens them and turns it off', async () => {
    const path = `/environments/default/integrations/${ids.brochure}`;
    await page.goto(`${s.t.url}/console${path}/permissions`);
    const exchange = page.getByRole('switch', { name: 'Allow token exchange' });
    await exchange.waitFor();
    await expect(exchange.isChecked()).resolves.toBe(false);
    await exchange.check();
    await page.getByRole('radio', { name: 'Only these APIs' }).check();
    const save = page.getByRole('button', { name: 'Save', exact: true });
    // No audience ticked: "Only these APIs" allows nothing, so it can't be saved.
    await expect(save.isDisabled()).resolves.toBe(true);
    await page
      .getByRole('group', { name: 'Exchange audiences' })
      .getByRole('checkbox', { name: /Invoices/ })
      .check();
    await checkBoth('exchange-audiences');
    await save.click();
    await page.getByTestId('saved-note').waitFor();
    expect((await api(path)).token_exchange).toEqual({ enabled: true, audiences: [INVOICES] });
    // A reload shows what was saved.
    await page.reload();
    await expect(page.getByRole('switch', { name: 'Allow token exchange' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('radio', { name: 'Only these APIs' }).isChecked()).resolves.toBe(true);
    await expect(
      page
        .getByRole('group', { name: 'Exchange audiences' })
        .getByRole('checkbox', { name: /Invoices/ })
        .isChecked(),
    ).resolves.toBe(true);
    await page.getByRole('radio', { name: 'Any API it has permissions on' }).check();
    await save.click();
    await page.getByTestId('saved-note').waitFor();
    expect((await api(path)).token_exchange).toEqual({ enabled: true, audiences: null });
    await page.getByRole('switch', { name: 'Allow token exchange' }).uncheck();
    await save.click();
    await page.getByTestId('saved-note').waitFor();
    expect((await api(path)).token_exchange).toEqual({ enabled: false, audiences: null });
    expect(failures).toEqual([]);
  });

  it('an account menu reaches the profile at 390 px, where the email link is hidden', async () => {
    await page.goto(`${s.t.url}/console/`);
    await page.getByRole('link', { name: EMAIL }).waitFor();
    await page.setViewportSize(NARROW);
    await page.getByRole('link', { name: EMAIL }).waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: /^Account menu/ }).click();
    await page.getByRole('menuitem', { name: 'Your profile' }).waitFor();
    await settle(page);
    await s.shot('first-hour-account-menu-390');
    await expectAccessible(page, 'account-menu-390').catch((err: Error) => failures.push(err.message));
    await page.getByRole('menuitem', { name: 'Your profile' }).click();
    await page.waitForURL(/\/console\/profile$/);
    await page.getByRole('heading', { name: 'Your profile' }).waitFor();
    // At 1366 px the email is the link and the menu is not shown.
    await page.setViewportSize(WIDE);
    await page.getByRole('button', { name: /^Account menu/ }).waitFor({ state: 'hidden' });
    expect(failures).toEqual([]);
  });

  it('the audit log: whole result badges, names beside client IDs, what a creation and a change recorded', async () => {
    const open = async () => {
      await page.goto(`${s.t.url}/console/environments/default/audit`);
      await page.getByRole('table', { name: 'Audit log' }).waitFor();
    };
    await open();
    const table = page.getByRole('table', { name: 'Audit log' });
    const row = (action: string, target: string) =>
      table.getByRole('row').filter({ hasText: action }).filter({ hasText: target });
    // The token minted by "Report runner": its name beside its client ID, as actor and target.
    const mint = row('token.mint', 'Report runner').first();
    await expect(mint.innerText()).resolves.toMatch(/Report runner \(integration:[\w-]+\)/);
    await expect(mint.innerText()).resolves.toContain('audience');
    // The creation of "Brochure builder" shows its name; the exchange change shows before → after.
    const created = row('integration.create', ids.brochure).first();
    await expect(created.innerText()).resolves.toMatch(/Brochure builder \([\w-]+\)/);
    await expect(created.locator('.gh-changes').innerText()).resolves.toContain('name: "Brochure builder"');
    const update = row('integration.update', ids.brochure).first();
    await expect(update.locator('.gh-changes').innerText()).resolves.toMatch(/token_exchange: .+ → .+/);
    await checkBoth('audit', open);
    for (const size of [WIDE, NARROW]) {
      await page.setViewportSize(size);
      await open();
      // Each result badge's word fits its badge: "success", never "SUCC…".
      const cut = await page
        .locator('.gh-badge-whole .mantine-Badge-label')
        .evaluateAll((labels) =>
          labels.filter((l) => l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent ?? ''),
        );
      expect(cut, `cut badges at ${size.width} px`).toEqual([]);
      const widths = await page
        .locator('.gh-badge-whole')
        .evaluateAll((badges) => badges.map((b) => b.scrollWidth <= b.clientWidth + 1));
      expect(widths.every(Boolean), `badge wider than its box at ${size.width} px`).toBe(true);
    }
    await page.setViewportSize(WIDE);
    expect(failures).toEqual([]);
  });

  it('the integration list shows authentication method, last use and permissions on every API', async () => {
    const open = async () => {
      await page.goto(`${s.t.url}/console/environments/default/integrations`);
      await page.getByRole('table', { name: 'Integrations' }).getByRole('link', { name: 'Key runner' }).waitFor();
    };
    await open();
    const table = page.getByRole('table', { name: 'Integrations' });
    const headers = await table.getByRole('columnheader').allInnerTexts();
    expect(headers).toEqual(['Name', 'Client ID', 'Authentication', 'Permissions', 'Last used', 'Status']);
    const cells = async (name: string) =>
      (await table.getByRole('row').filter({ hasText: name }).getByRole('cell').allInnerTexts()).map((c) => c.trim());
    const invoices = await cells('Invoice reader');
    expect(invoices[2]).toBe('Client secret');
    expect(invoices[3]).toBe('Invoices: 1 of 2');
    expect(invoices[4]).toBe('Never');
    const key = await cells('Key runner');
    expect([key[2], key[3]]).toEqual(['Private key (JWT)', 'Read-only']);
    const used = await cells('Report runner');
    expect(used[4]).not.toBe('Never');
    expect(Date.parse((await table.locator('time').first().getAttribute('datetime'))!)).toBeGreaterThan(0);
    await checkBoth('integrations', open);
    expect(failures).toEqual([]);
  });

  it('"Try it" of a key-only integration shows private_key_jwt snippets (curl + signing, Node SDK, authlib), no client_secret', async () => {
    const open = async () => {
      await page.goto(`${s.t.url}/console/environments/default/integrations/${ids.keyOnly}/try-it`);
      await page.getByTestId('try-it-intro').waitFor();
    };
    await open();
    const panel = page.getByRole('tabpanel', { name: 'Try it' });
    await expect(panel.innerText()).resolves.toContain('private_key_jwt');
    const texts: Record<string, string> = {};
    for (const [tab, lang] of [
      ['curl', 'curl'],
      ['Node', 'node'],
      ['Python', 'python'],
    ] as const) {
      await panel.getByRole('tab', { name: tab }).click();
      texts[lang] = await page.getByLabel(`${lang} snippet`, { exact: true }).innerText();
      expect(texts[lang], lang).not.toMatch(/client_secret|CLIENT_SECRET/);
      expect(texts[lang], lang).toContain(ids.keyOnly);
    }
    expect(texts.curl).toContain('client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(texts.curl).toContain('jwt.encode(');
    expect(texts.node).toContain("from '@gatehouse/client'");
    expect(texts.python).toContain('PrivateKeyJWT(');
    await checkBoth('try-it-key-only', open);
    // A secret integration keeps the secret snippets.
    await page.goto(`${s.t.url}/console/environments/default/integrations/${ids.brochure}/try-it`);
    await expect(page.getByLabel('curl snippet', { exact: true }).innerText()).resolves.toContain(
      'client_secret=<CLIENT_SECRET>',
    );
    expect(failures).toEqual([]);
  });

  it('the invitation page says which environment, role and email', async () => {
    const ctx = s.t.server.runtime.ctx;
    const invitation = await createInvitation(ctx, CLI_ACTOR, 'default', 'newcomer@example.com', 'developer');
    const token = invitation.link.split('/').pop()!;
    const open = async () => {
      await page.goto(`${s.t.url}/console/invitations/${token}`);
      await page.getByTestId('invitation-facts').waitFor();
    };
    await open();
    const facts = (await page.getByTestId('invitation-facts').innerText()).replace(/\s+/g, ' ');
    expect(facts).toMatch(/Environment .*\(default\)/);
    expect(facts).toContain('Role Developer');
    expect(facts).toContain('Email newcomer@example.com');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Join Default');
    await checkBoth('invitation', open);
    // A bad link says so before any password is typed.
    await page.goto(`${s.t.url}/console/invitations/${'x'.repeat(43)}`);
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/revoked, already used or has expired/);
    expect(failures).toEqual([]);
  });

  it('recovery codes: "On" as they show, copied and downloaded', async () => {
    await s.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.t.url });
    await page.goto(`${s.t.url}/console/profile`);
    await page.getByLabel('Account password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const secret = (await page.getByLabel('TOTP secret').textContent())!.trim();
    const totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30, digits: 6, algorithm: 'SHA1' });
    await page.getByLabel('Code from the app').fill(totp.generate({ timestamp: s.t.clock.now() }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('group', { name: 'Recovery codes' });
    await codes.waitFor();
    const shown = (await codes.locator('code').allInnerTexts()).map((c) => c.trim());
    expect(shown.length).toBeGreaterThan(0);
    const badge = page
      .locator('.mantine-Paper-root')
      .filter({ hasText: 'Two-factor authentication' })
      .locator('.mantine-Badge-root');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.mantine-Badge-root')).some((b) => b.textContent === 'On'),
    );
    await expect(badge.innerText()).resolves.toMatch(/^on$/i);
    await page.getByRole('button', { name: 'Copy codes' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(shown.join('\n'));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('gatehouse-recovery-codes.txt');
    const file = readFileSync((await download.path())!, 'utf8');
    for (const code of shown) expect(file).toContain(code);
    await checkBoth('recovery-codes');
    expect(failures).toEqual([]);
    expect(s.problems).toEqual([]);
    expect(s.notFound).toEqual([]);
  });

  it('#29 a render error shows the error page; "Try again" shows the page once the server answers well', async () => {
    const before = s.problems.length;
    // An answer of an unexpected shape makes the environments page fail to render.
    await page.route('**/api/v1/environments?*', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: '{"items":"not a list","next_cursor":null}',
      }),
    );
    await page.goto(`${s.t.url}/console/`);
    await page.getByTestId('error-page').waitFor();
    await page.getByRole('heading', { name: 'The console ran into a problem' }).waitFor();
    await checkBoth('error-page');
    await page.unroute('**/api/v1/environments?*');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('table', { name: 'Environments' }).waitFor();
    expect(failures).toEqual([]);
    // Only the provoked error was reported (React and the boundary log it).
    expect(s.problems.slice(before).length).toBeGreaterThan(0);
    s.problems.splice(before);
    expect(s.problems).toEqual([]);
  });
});
