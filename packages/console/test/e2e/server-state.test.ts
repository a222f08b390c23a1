/**
 * The console's server state and routes (issue #29), in Debian's Chromium against a real Gatehouse:
 * two tabs showing one integration agree once the other tab comes to the front (the query refetches
 * on focus); a slow network shows one loading state for a page, not one per part arriving; tabs and
 * deep links are routes that survive reload and back/forward; an unknown path is the not-found page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, type ConsoleSession } from './browser.js';
import { createBrochureBuilder } from './seed.js';

/** Loading indicators of the console's `Loading` component (a labelled `role=status` loader). */
const LOADER = '[role="status"][aria-label^="Loading"], [role="status"][aria-label^="Checking"]';

describe('console server state and routes', () => {
  let s: ConsoleSession;
  let page: Page;
  let clientId = '';
  const integrationPath = () => `/console/environments/default/integrations/${clientId}`;

  beforeAll(async () => {
    s = await openConsole();
    page = s.page;
    clientId = await createBrochureBuilder(s.t.server.runtime.ctx);
    await s.t.server.runtime.changes.poll();
    await s.signIn();
  }, 180_000);
  afterAll(async () => {
    await s?.close();
  });

  it('two tabs showing one integration agree after a change in one of them (refetch when the tab comes to the front)', async () => {
    await page.goto(`${s.t.url}${integrationPath()}`);
    await page.getByRole('heading', { name: 'Brochure builder' }).waitFor();
    await page.getByText('Enabled', { exact: true }).first().waitFor();

    const other = await s.context.newPage();
    try {
      await other.goto(`${s.t.url}${integrationPath()}`);
      await other.getByRole('heading', { name: 'Brochure builder' }).waitFor();
      await other.getByRole('switch', { name: 'Enabled' }).click({ force: true });
      await other
        .getByRole('dialog', { name: 'Disable integration' })
        .getByRole('button', { name: 'Disable integration' })
        .click();
      await other.getByText('Disabled', { exact: true }).first().waitFor();

      // The first tab hasn't been looked at since: it still shows what it read.
      expect(await page.getByText('Disabled', { exact: true }).count()).toBe(0);
      // It comes to the front (what the browser tells a page then): it reads again, no reload.
      await page.bringToFront();
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
      await page.getByText('Disabled', { exact: true }).first().waitFor();
      expect(await page.getByRole('switch', { name: 'Enabled' }).isChecked()).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('a slow network shows the loading state once for a deep link, not a flash per part', async () => {
    const slow = await s.context.newPage();
    try {
      await slow.addInitScript((selector) => {
        const stats = { appeared: 0, most: 0, seen: [] as string[] };
        (window as unknown as { loaderStats: typeof stats }).loaderStats = stats;
        let shown = 0;
        new MutationObserver(() => {
          // Shown ones: a tab panel that isn't selected is mounted but hidden.
          const loaders = Array.from(document.querySelectorAll(selector)).filter((l) => l.checkVisibility());
          const now = loaders.length;
          if (now > 0 && shown === 0) stats.appeared++;
          if (now > stats.most || (now > 0 && shown === 0))
            stats.seen.push(loaders.map((l) => l.getAttribute('aria-label')).join(' + '));
          stats.most = Math.max(stats.most, now);
          shown = now;
        }).observe(document, { childList: true, subtree: true });
      }, LOADER);
      // Every API answer is slow; the APIs (the scopes of the Permissions tab) slower than the rest.
      await slow.route('**/api/v1/**', async (route) => {
        await new Promise((r) => setTimeout(r, route.request().url().includes('/apis') ? 1500 : 600));
        await route.continue();
      });
      await slow.goto(`${s.t.url}${integrationPath()}/permissions`);
      await slow.getByRole('tab', { name: 'Permissions', selected: true }).waitFor();
      await slow.getByRole('checkbox').first().waitFor();
      const stats = await slow.evaluate(
        () => (window as unknown as { loaderStats: { appeared: number; most: number; seen: string[] } }).loaderStats,
      );
      expect({ appeared: stats.appeared, most: stats.most }, stats.seen.join(', ')).toEqual({ appeared: 1, most: 1 });
      expect(await slow.locator(LOADER).filter({ visible: true }).count()).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('tabs and deep links are routes: reload and back/forward keep the place', async () => {
    await page.goto(`${s.t.url}/console/environments/default`);
    await page.getByRole('tab', { name: 'Integrations', selected: true }).waitFor();
    await page.getByRole('link', { name: 'Brochure builder' }).click();
    await page.getByRole('tab', { name: 'General', selected: true }).waitFor();
    await page.getByRole('tab', { name: 'Permissions' }).click();
    await page.getByRole('tab', { name: 'Permissions', selected: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`${integrationPath()}/permissions`);

    await page.reload();
    await page.getByRole('tab', { name: 'Permissions', selected: true }).waitFor();
    await page.goBack();
    await page.getByRole('tab', { name: 'Integrations', selected: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/environments/default');
    await page.goForward();
    await page.getByRole('tab', { name: 'Permissions', selected: true }).waitFor();

    // The breadcrumb names the environment and links its integrations tab.
    await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Default' }).click();
    await page.getByRole('tab', { name: 'Integrations', selected: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/environments/default/integrations');

    // A link of before (`?tab=`) still opens its tab, at the tab's route.
    await page.goto(`${s.t.url}/console/environments/default?tab=audit`);
    await page.getByRole('tab', { name: 'Audit log', selected: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/environments/default/audit');
  });

  it('an unknown path or tab shows the not-found page', async () => {
    for (const path of ['/console/nowhere', '/console/environments/default/no-such-tab', `${integrationPath()}/x`]) {
      await page.goto(`${s.t.url}${path}`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      expect(await page.getByRole('tab').count()).toBe(0);
    }
    await page.getByRole('link', { name: 'Go to the environments' }).click();
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
    expect(s.problems).toEqual([]);
  });
});
