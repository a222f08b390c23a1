/**
 * Waiting for the console's requests to finish, instead of Playwright's `networkidle` (which waits
 * for 500 ms without a request after the last one, on every screen of every sweep: most of the
 * browser tests' time). {@link trackRequests} counts each page's requests in flight from the
 * browser's own events; {@link networkIdle} resolves once none has been in flight for `quietMs`
 * (a query started by rendering a response arrives within a frame or two of it).
 * @packageDocumentation
 */
import type { BrowserContext, Page, Request } from 'playwright-core';

const inFlight = new WeakMap<Page, Set<Request>>();

/** Counts the requests in flight of every page of `context`, present and future. */
export function trackRequests(context: BrowserContext): void {
  const track = (page: Page) => {
    if (inFlight.has(page)) return;
    const open = new Set<Request>();
    inFlight.set(page, open);
    page.on('request', (r) => open.add(r));
    page.on('requestfinished', (r) => open.delete(r));
    page.on('requestfailed', (r) => open.delete(r));
  };
  context.pages().forEach(track);
  context.on('page', track);
}

/**
 * Resolves when `page` has had no request in flight for `quietMs` milliseconds (and its document
 * has loaded). A page not tracked by {@link trackRequests} falls back to `networkidle`.
 */
export async function networkIdle(page: Page, quietMs = 100): Promise<void> {
  const open = inFlight.get(page);
  if (!open) return page.waitForLoadState('networkidle');
  await page.waitForLoadState('load');
  for (let quietSince = Date.now(); Date.now() - quietSince < quietMs;) {
    await new Promise((r) => setTimeout(r, 20));
    if (open.size > 0) quietSince = Date.now();
  }
}
