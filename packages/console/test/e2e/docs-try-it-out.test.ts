/**
 * Issue #25 item 4 in Debian's Chromium at 1366 px: `/docs` is titled "Gatehouse API" with
 * Gatehouse's own mark, and its "Try it out" works end to end: authorize with an integration's
 * client id and secret (client_secret_basic), get a token at `POST /oauth/token` from the form,
 * put it in *bearer* and call the Environment API's `GET /api/v1/self` with it, all under the
 * page's Content-Security-Policy (no violation, no page error).
 */
import type { Locator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import { join } from 'node:path';
import { RESULTS, openConsole, skipAfterFailure, type ConsoleSession } from './browser.js';

/** The operation block of `method` `path` (Swagger UI marks each with its path). */
const operation = (page: Page, method: string, path: string): Locator =>
  page.locator(`.opblock-${method}`, { has: page.locator(`[data-path="${path}"]`) });

/** Expands `op`, switches it to "Try it out". */
async function tryItOut(op: Locator): Promise<void> {
  await op.locator('.opblock-summary').first().click();
  await op.getByRole('button', { name: 'Try it out' }).click();
}

/** Executes `op` and answers the status and JSON body Swagger UI shows. */
async function execute(op: Locator): Promise<{ status: number; body: Record<string, unknown> }> {
  await op.getByRole('button', { name: 'Execute' }).click();
  const row = op.locator('.live-responses-table .response').first();
  await row.waitFor();
  const status = Number((await row.locator('.response-col_status').textContent())?.trim());
  const body = JSON.parse((await row.locator('.response-col_description pre').first().textContent()) ?? 'null');
  return { status, body };
}

/** Fills the *Authorize* dialog's `scheme` section with `values` (by input id) and applies them. */
async function authorize(page: Page, scheme: string, values: Record<string, string>): Promise<void> {
  await page.locator('.scheme-container button.authorize').click();
  const section = page.locator('.auth-container', { has: page.locator('h4', { hasText: scheme }) });
  for (const [id, value] of Object.entries(values)) await section.locator(`#${id}`).fill(value);
  await section.getByRole('button', { name: 'Apply credentials' }).click();
  await section.getByRole('button', { name: 'Close' }).click();
}

describe('/docs: Gatehouse API, and "Try it out" gets a token and calls the Environment API with it', () => {
  let s: ConsoleSession;
  let t: TestServer;
  let page: Page;
  let problems: string[];
  let client: { client_id: string; client_secret: string };
  const sent: Request[] = [];

  beforeAll(async () => {
    s = await openConsole({ timeoutMs: 20_000 });
    ({ t, page, problems } = s);
    client = await t.integration({ name: 'Docs reader' });
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.match(/^\/(oauth\/token|api\/v1\/self)$/)) sent.push(r);
    });
  }, 240_000);
  skipAfterFailure();
  afterAll(async () => {
    await s?.close();
  });

  it("is titled Gatehouse API, with Gatehouse's mark, not the defaults", async () => {
    const res = await page.goto(`${t.url}/docs`);
    expect(res!.status()).toBe(200);
    await page.locator('.opblock').first().waitFor();
    await expect(page.title()).resolves.toBe('Gatehouse API');
    expect(page.viewportSize()?.width).toBe(1366);
    await expect(page.locator('.info .title').textContent()).resolves.toMatch(/^Gatehouse API/);
    const logo = await page.locator('.topbar-wrapper a.link img').getAttribute('src');
    expect(logo).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(logo!.split(',')[1]!, 'base64').toString('utf8');
    expect(svg).toContain('Gatehouse API');
    expect(svg).not.toMatch(/fastify|swagger/i);
    await expect(page.locator('link[rel="icon"]').first().getAttribute('href')).resolves.toMatch(/favicon\.svg$/);
  });

  it('POST /oauth/token from the form with client_secret_basic answers a token', async () => {
    await authorize(page, 'client_secret_basic', {
      'auth-basic-username': client.client_id,
      'auth-basic-password': client.client_secret,
    });
    const op = operation(page, 'post', '/oauth/token');
    await tryItOut(op);
    // The form offers every parameter, grant_type filled in from the example.
    await expect(op.getByLabel('Request content type').inputValue()).resolves.toBe('application/x-www-form-urlencoded');
    await expect(op.getByRole('textbox', { name: 'grant_type' }).inputValue()).resolves.toBe('client_credentials');
    for (const name of ['scope', 'audience', 'client_id', 'client_secret', 'client_assertion', 'subject_token'])
      await expect(op.getByRole('textbox', { name, exact: true }).count()).resolves.toBe(1);
    await op.getByRole('textbox', { name: 'scope', exact: true }).fill('projects:read');
    const { status, body } = await execute(op);
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'projects:read' });
    expect(typeof body.access_token).toBe('string');
    // Sent as client_secret_basic: the Basic header, and no empty parameter beside it.
    const request = sent.find((r) => r.url().endsWith('/oauth/token'))!;
    const basic = Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64');
    expect(request.headers().authorization).toBe(`Basic ${basic}`);
    expect(request.postData()).toBe('scope=projects%3Aread&grant_type=client_credentials');
    await authorize(page, 'bearer', { 'auth-bearer-value': String(body.access_token) });
  });

  it('GET /api/v1/self with that token answers the integration', async () => {
    const op = operation(page, 'get', '/api/v1/self');
    await tryItOut(op);
    const { status, body } = await execute(op);
    expect(status).toBe(200);
    expect(body).toMatchObject({ type: 'integration', client_id: client.client_id, name: 'Docs reader' });
    const request = sent.find((r) => r.url().endsWith('/api/v1/self'))!;
    expect(request.headers().authorization).toMatch(/^Bearer ey/);
    // The page's top (title, logo, Authorize) and the executed call, at 1366 px.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(RESULTS, 'docs-try-it-out-top-1366.png') });
    await op.screenshot({ path: join(RESULTS, 'docs-try-it-out-self-1366.png') });
    // Under the page's CSP: no violation, no page error, no unexpected console error.
    expect(problems).toEqual([]);
  });
});
