/**
 * Issue #19 in Debian's Chromium against a real Gatehouse: an integration page shows last use,
 * secret age, the previous secret's end and live tokens; rotating offers now / 1 h / 24 h / 7 d
 * with 1 hour preselected; disabling asks first and is audited as `integration.disable`; the
 * audit tab filters by action and target and shows what changed; `/docs` renders the API
 * reference's operations under its CSP. Screenshots at 1366 px and 390 px in `test-results/`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import { token } from '@gatehouse/testing/http';
import { listAudit } from '../../../server/src/services/audit.js';
import { requireIntegration, usageOfOne } from '../../../server/src/services/integrations.js';
import { EMAIL, openConsole, skipAfterFailure, type ConsoleSession } from './browser.js';

describe('integration visibility, safe defaults and the filtered audit log in the browser', () => {
  let s: ConsoleSession;
  let t: TestServer;
  let page: Page;
  let problems: string[];
  let client: { client_id: string; client_secret: string; id: string };
  const shots = (name: string) => s.shots(`visibility-${name}`);
  const integrationUrl = () => `${t.url}/console/environments/default/integrations/${client.client_id}`;

  beforeAll(async () => {
    s = await openConsole({ timeoutMs: 45_000, expectedConsoleErrors: /status of 40[14]/ });
    ({ t, page, problems } = s);
    client = await t.integration({ name: 'Nightly export', scopes: ['media:read'] });
  }, 240_000);
  skipAfterFailure();
  afterAll(async () => {
    await s?.close();
  });

  it('signs in', async () => {
    await s.signIn();
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
  });

  it('the integration page shows last use, secret age and live tokens', async () => {
    expect((await token(t.url, client.client_id, client.client_secret)).status).toBe(200);
    await page.goto(integrationUrl());
    const usage = page.getByRole('region', { name: 'Usage' });
    await usage.waitFor();
    await expect(usage.getByTestId('live-tokens').textContent()).resolves.toBe('1');
    await expect(usage.getByTestId('last-used').textContent()).resolves.not.toBe('Never');
    await expect(usage.getByTestId('secret-created').textContent()).resolves.toMatch(/\d/);
    await expect(usage.getByTestId('previous-secret').textContent()).resolves.toBe('None works');
    await shots('integration');
  });

  it('rotation offers now, 1 h, 24 h and 7 d with 1 hour preselected; the old secret then works for an hour', async () => {
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate secret' });
    const select = dialog.getByLabel('Grace period');
    await expect(select.inputValue()).resolves.toBe('Keep the old secret for 1 hour');
    await select.click();
    const options = await page.getByRole('option').allTextContents();
    expect(options).toEqual([
      'Stop the old secret now',
      'Keep the old secret for 1 hour',
      'Keep the old secret for 24 hours',
      'Keep the old secret for 7 days',
    ]);
    await page.keyboard.press('Escape');
    await shots('rotate-dialog');
    await dialog.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByText('Secret rotated', { exact: true }).first().waitFor();
    const { env, client: record } = await requireIntegration(t.server.runtime.ctx, client.client_id);
    expect((await usageOfOne(t.server.runtime.ctx, record)).previous_secret_expires_at).toBe(
      new Date(t.clock.ms + 3600_000).toISOString(),
    );
    expect(env.slug).toBe('default');
    // The old secret still works within its hour.
    expect((await token(t.url, client.client_id, client.client_secret, { scope: 'media:read' })).status).toBe(200);
    await page.reload();
    await expect(
      page.getByRole('region', { name: 'Usage' }).getByTestId('previous-secret').textContent(),
    ).resolves.toMatch(/^Works until/);
  });

  it('disabling asks first; cancelling keeps it enabled; confirming disables it, audited as integration.disable', async () => {
    const toggle = page.getByRole('switch', { name: 'Enabled' });
    await toggle.click({ force: true });
    const dialog = page.getByRole('dialog', { name: 'Disable integration' });
    await dialog.waitFor();
    await shots('disable-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect(toggle.isChecked()).resolves.toBe(true);
    expect((await requireIntegration(t.server.runtime.ctx, client.client_id)).client.enabled).toBe(true);
    await toggle.click({ force: true });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Disable integration' }).click();
    await page.getByText('Integration disabled', { exact: true }).first().waitFor();
    await expect(toggle.isChecked()).resolves.toBe(false);
    const env = (await requireIntegration(t.server.runtime.ctx, client.client_id)).env;
    const events = await listAudit(t.server.runtime.ctx.db, env.id, 10, undefined, { target: client.client_id });
    // The test clock stands still, so events of this test share one millisecond: found by action, not position.
    expect(events.items.filter((e) => e.action === 'integration.disable')).toEqual([
      expect.objectContaining({ actor: `admin:${EMAIL}`, changes: { enabled: { before: true, after: false } } }),
    ]);
    expect(events.items.map((e) => e.action)).not.toContain('integration.update');
  });

  it('the audit tab filters by action and target and shows what changed', async () => {
    await page.goto(`${t.url}/console/environments/default/audit`);
    const table = page.getByRole('table', { name: 'Audit log' });
    await table
      .getByRole('row', { name: /integration\.create/ })
      .first()
      .waitFor();
    const form = page.getByRole('form', { name: 'Filter the audit log' });
    await form.getByLabel('Action').fill('integration.disable');
    await form.getByLabel('Target').fill(client.client_id);
    await form.getByRole('button', { name: 'Filter' }).click();
    await table
      .getByRole('row', { name: /integration\.disable/ })
      .first()
      .waitFor();
    await expect(table.getByRole('row', { name: /integration\.create/ }).count()).resolves.toBe(0);
    const rows = table.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('enabled: true → false');
    await shots('audit-filtered');
    await form.getByLabel('Action').fill('nothing.matches');
    await form.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No event matches these filters').waitFor();
    await form.getByRole('button', { name: 'Clear' }).click();
    await table
      .getByRole('row', { name: /integration\.create/ })
      .first()
      .waitFor();
  });

  it('/docs renders the API reference with its operations, with no CSP violation', async () => {
    const res = await page.goto(`${t.url}/docs`);
    expect(res!.status()).toBe(200);
    await page.locator('.opblock').first().waitFor();
    await expect(page.locator('.opblock').count()).resolves.toBeGreaterThan(20);
    await page.locator('.opblock-summary-path', { hasText: '/oauth/token' }).first().waitFor();
    await shots('docs');
    expect(problems).toEqual([]);
  });
});
