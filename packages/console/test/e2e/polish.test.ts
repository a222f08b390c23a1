/**
 * Console polish, in Debian's Chromium against a real Gatehouse: the favicon is served (no 404 on
 * any page), a toast never covers a dialog (the secret dialog's close button is the element on
 * top), one breadcrumb trail shows the environment's name on every page, saving permissions and
 * settings shows "Saved", and the create-environment dialog suggests the slug from the name.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../../server/src/context.js';
import { createEnvironment } from '../../../server/src/services/environments.js';
import { createIntegration } from '../../../server/src/services/integrations.js';
import { openConsole, type ConsoleSession } from './browser.js';

/** True when the element's centre point hits the element itself (nothing drawn over it). */
async function onTop(page: Page, selector: string): Promise<{ onTop: boolean; hit: string }> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return { onTop: false, hit: 'no such element' };
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {
      onTop: !!hit && (hit === el || el.contains(hit)),
      hit: hit ? `${hit.tagName.toLowerCase()}.${String(hit.className)}` : 'nothing',
    };
  }, selector);
}

describe('console polish', () => {
  let s: ConsoleSession;
  let page: Page;
  let clientId = '';

  beforeAll(async () => {
    s = await openConsole();
    page = s.page;
    const ctx = s.t.server.runtime.ctx;
    await createEnvironment(ctx, CLI_ACTOR, 'staging-eu', 'Staging (EU)');
    clientId = (await createIntegration(ctx, CLI_ACTOR, 'staging-eu', { name: 'Report runner', preset: 'read-only' }))
      .client_id;
    await s.t.server.runtime.changes.poll();
    await s.signIn();
  }, 180_000);
  afterAll(async () => {
    await s?.close();
  });

  it('serves /favicon.ico and /console/favicon.ico; the page links its icon', async () => {
    for (const path of ['/favicon.ico', '/console/favicon.ico']) {
      const res = await fetch(s.t.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
      const bytes = Buffer.from(await res.arrayBuffer());
      // An ICO file: reserved 0, type 1, at least one image.
      expect([bytes.readUInt16LE(0), bytes.readUInt16LE(2), bytes.readUInt16LE(4) > 0]).toEqual([0, 1, true]);
    }
    const svg = await fetch(`${s.t.url}/console/favicon.svg`);
    expect([svg.status, svg.headers.get('content-type')?.startsWith('image/svg+xml')]).toEqual([200, true]);
    await page.goto(`${s.t.url}/console/`);
    const icons = await page
      .locator('link[rel="icon"]')
      .evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href));
    expect(icons).toContain(`${s.t.url}/console/favicon.ico`);
  });

  it('the secret dialog is never covered by a toast: its close button is the element on top', async () => {
    await page.goto(`${s.t.url}/console/environments/staging-eu`);
    await page.getByRole('button', { name: 'Create integration' }).click();
    const form = page.getByRole('dialog', { name: 'Create integration' });
    await form.getByLabel('Name', { exact: false }).first().fill('Toast check');
    await form.getByRole('button', { name: 'Create integration' }).click();
    const done = page.getByRole('dialog', { name: 'Integration created' });
    await done.getByTestId('client-secret').waitFor();
    // The creation's toast shows meanwhile.
    for (const size of [
      { width: 1366, height: 800 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(size);
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
      for (const selector of [
        '[role="dialog"] button[aria-label="Close dialog"]',
        '[role="dialog"] button[aria-label="Copy Client secret"]',
      ]) {
        expect(await onTop(page, selector), `${selector} at ${size.width} px`).toEqual(
          expect.objectContaining({ onTop: true }),
        );
      }
      expect(await page.locator('.mantine-Notification-root').count()).toBeGreaterThan(0);
    }
    await page.setViewportSize({ width: 1366, height: 800 });
    await done.getByRole('button', { name: 'Close dialog' }).click();
    await done.waitFor({ state: 'detached' });
  });

  it('the breadcrumbs show the environment by name on the environment and integration pages', async () => {
    const trail = page.getByRole('navigation', { name: 'Breadcrumb' });
    await page.goto(`${s.t.url}/console/environments/staging-eu/settings`);
    await trail.getByText('Staging (EU)').waitFor();
    expect((await trail.innerText()).replace(/\s+/g, ' ')).toMatch(/^Environments\s*\S?\s*Staging \(EU\)$/);
    await expect(trail.locator('[aria-current="page"]').innerText()).resolves.toBe('Staging (EU)');
    await page.goto(`${s.t.url}/console/environments/staging-eu/integrations/${clientId}`);
    await trail.getByText('Report runner').waitFor();
    const text = (await trail.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('Staging (EU)');
    expect(text).not.toContain('staging-eu');
    await expect(trail.getByRole('link', { name: 'Staging (EU)' }).getAttribute('href')).resolves.toBe(
      '/console/environments/staging-eu/integrations',
    );
    await trail.getByRole('link', { name: 'Staging (EU)' }).click();
    await page.getByRole('tab', { name: 'Integrations', selected: true }).waitFor();
  });

  it('saving permissions shows "Saved" until the next change', async () => {
    await page.goto(`${s.t.url}/console/environments/staging-eu/integrations/${clientId}/permissions`);
    const saved = page.getByTestId('saved-note');
    await page.getByRole('checkbox', { name: 'media:write' }).check();
    expect(await saved.count()).toBe(0);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved.waitFor();
    expect(await saved.innerText()).toMatch(/^Saved at .+ the next token gets these scopes$/s);
    expect(await page.getByRole('status').filter({ has: saved }).count()).toBe(1);
    await page.getByRole('checkbox', { name: 'media:write' }).uncheck();
    await saved.waitFor({ state: 'detached' });
  });

  it('saving settings shows "Saved" until the next change', async () => {
    await page.goto(`${s.t.url}/console/environments/staging-eu/settings`);
    const saved = page.getByTestId('saved-note');
    await page.getByLabel('Token lifetime').fill('7200');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved.waitFor();
    expect(await saved.innerText()).toContain('Saved at');
    await page.getByLabel('Token lifetime').fill('3600');
    await saved.waitFor({ state: 'detached' });
  });

  it('suggests the slug from the name (kebab-case, within the server rule) until the slug is edited', async () => {
    await page.goto(`${s.t.url}/console/`);
    await page.getByRole('button', { name: 'Create environment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create environment' });
    const name = dialog.getByRole('textbox', { name: 'Name' });
    const slug = dialog.getByRole('textbox', { name: 'Slug' });
    await name.fill('Production — Café Crème');
    await expect(slug.inputValue()).resolves.toBe('production-cafe-creme');
    await name.fill('A'.repeat(80));
    await expect(slug.inputValue()).resolves.toBe('a'.repeat(63));
    await name.fill('Production (US)');
    await expect(slug.inputValue()).resolves.toBe('production-us');
    // Edited by hand: the name no longer changes it.
    await slug.fill('prod-us');
    await name.fill('Production (United States)');
    await expect(slug.inputValue()).resolves.toBe('prod-us');
    await dialog.getByRole('button', { name: 'Create environment' }).click();
    await page.getByRole('tab', { name: 'Integrations', selected: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/environments/prod-us');
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByText('Production (United States)').waitFor();
  });

  it('at 390 px a table wider than the window scrolls in its box, says so and can be scrolled with the keyboard; at 1366 px no hint', async () => {
    const hint = () =>
      page.evaluate(() => {
        const box = document
          .querySelector('[aria-label="Audit log"]')!
          .closest<HTMLElement>('.mantine-TableScrollContainer-scrollContainer')!;
        const before = getComputedStyle(box, '::before');
        return {
          overflowing: box.hasAttribute('data-overflowing'),
          hint: before.content === 'none' ? '' : before.content,
          tabindex: box.getAttribute('tabindex'),
          role: box.getAttribute('role'),
          label: box.getAttribute('aria-label'),
          pageWidth: document.scrollingElement!.scrollWidth,
        };
      });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${s.t.url}/console/environments/staging-eu/audit`);
    await page.getByRole('table', { name: 'Audit log' }).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-overflowing]') !== null);
    const narrow = await hint();
    expect(narrow).toEqual({
      overflowing: true,
      hint: expect.stringContaining('Scroll sideways for more') as unknown,
      tabindex: '0',
      role: 'region',
      label: 'Audit log (scrolls sideways)',
      pageWidth: 390,
    });
    // The keyboard scrolls it: focus the region, press the right arrow.
    const region = page.getByRole('region', { name: 'Audit log (scrolls sideways)' });
    await region.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-overflowing]')!.scrollLeft > 0);
    await s.shot('polish-table-scroll-hint-390');
    await page.setViewportSize({ width: 1366, height: 800 });
    await page.waitForFunction(() => document.querySelector('[data-overflowing]') === null);
    expect(await hint()).toEqual(expect.objectContaining({ overflowing: false, hint: '', tabindex: null, role: null }));
  });

  it('no page asked for anything that is not there (no 404), and nothing failed in the browser', () => {
    expect(s.notFound).toEqual([]);
    expect(s.problems).toEqual([]);
  });
});
