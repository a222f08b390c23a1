/**
 * The Webhooks tab of an environment (issue #28), in Debian's Chromium against a real Gatehouse
 * with the real management routes: an http URL is refused at its field; an endpoint is added and
 * its signing secret shown once (gone after a reload); a test event shows in the delivery log and
 * is redelivered, older deliveries load by cursor; the endpoint is disabled and enabled again,
 * edited, its secret rotated with a grace period, and removed after confirmation. axe passes on
 * each state; nothing is wider than a 390 px window; screenshots at 1366 and 390 px land in
 * `test-results/webhooks-*.png`.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '@gatehouse/testing/clock';
import type { TestServer } from '@gatehouse/testing/server';
import { tamper } from '@gatehouse/testing/tamper';
import { CLI_ACTOR } from '../../../server/src/context.js';
import {
  acceptInvitationAsNewAccount,
  createInvitation,
  invitationOf,
} from '../../../server/src/services/invitations.js';
import { listWebhookEndpoints } from '../../../server/src/services/webhooks.js';
import { listWebhookDeliveries, sendWebhookTest } from '../../../server/src/services/webhook-deliveries.js';
import { expectAccessible } from './axe.js';
import { NARROW, narrowOverflow, openConsole, skipAfterFailure, WIDE, type ConsoleSession } from './browser.js';
import { networkIdle } from './network.js';

const URL_1 = 'https://hooks.example.com/gatehouse';
const URL_2 = 'https://siem.example.net/ingest/gatehouse-audit-events';
/** A Standard Webhooks secret: `whsec_` + base64 of 32 bytes. */
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
/** How long a list may take to show what the server has (a page's fetch and render on a loaded machine). */
const POLL = { timeout: 15_000 };

describe('webhooks tab', () => {
  skipAfterFailure();
  let s: ConsoleSession;
  let t: TestServer;
  let page: Page;
  let firstSecret = '';
  const stored = () => listWebhookEndpoints(t.server.runtime.ctx, 'default');
  const endpoint = (url: string): Locator => page.getByRole('region', { name: `Endpoint ${url}` });
  const toast = (title: string) => page.getByText(title).first().waitFor();
  const open = async () => {
    await page.goto(`${t.url}/console/environments/default/webhooks`);
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await networkIdle(page);
  };
  /** axe on the page as it is, then no sideways scroll at 390 px, then screenshots at both widths. */
  const look = async (name: string) => {
    await expectAccessible(page, name);
    await page.setViewportSize(NARROW);
    await networkIdle(page);
    expect(await narrowOverflow(page, name)).toBeUndefined();
    await expectAccessible(page, `${name} at 390 px`);
    await page.setViewportSize(WIDE);
    await s.shots(name);
  };

  beforeAll(async () => {
    // The server's clock stands at the browser's now, so the page compares the grace period's end with a time it shares.
    // The delivery states the tab shows are written by the test (tamper): this node sends nothing
    // (concurrency 0), so no attempt changes them under the page (sending: server/test/webhook-*.test.ts).
    s = await openConsole({
      timeoutMs: 15_000,
      server: { clock: new TestClock(Date.now()), config: { webhookConcurrency: 0 } },
    });
    ({ t, page } = s);
    await s.signIn();
  }, 120_000);
  afterAll(() => s?.close());

  it('explains webhooks when there are none, refuses an http URL at its field, adds an endpoint and shows its secret once', async () => {
    await open();
    await page.getByText('No webhook endpoints yet').waitFor();
    await look('webhooks-01-empty');

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add endpoint' });
    await dialog
      .getByText('Token events (token.mint, token.revoke…) are sent only to an endpoint that names them')
      .waitFor();
    await dialog.getByLabel('URL').fill('http://hooks.example.com/gatehouse');
    const filters = dialog.getByLabel('Event filters');
    await filters.fill('token.*');
    await filters.press('Enter');
    await filters.press('Tab');
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    // The server's rule, under the URL field.
    await dialog.getByText('url must be https (http only for a host of GATEHOUSE_WEBHOOK_ALLOWED_HOSTS)').waitFor();
    await expect(dialog.getByLabel('URL').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await stored()).toEqual([]);
    await look('webhooks-01b-add-refused');

    await dialog.getByLabel('URL').fill(URL_1);
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    await dialog.waitFor({ state: 'detached' });
    const card = endpoint(URL_1);
    await card.getByRole('region', { name: 'Copy the signing secret now' }).waitFor();
    firstSecret = (await card.getByTestId('signing-secret').textContent()) ?? '';
    expect(firstSecret).toMatch(SECRET);
    await card.getByText("You won't see this again").waitFor();
    await card.getByText('Receivers verify each delivery per Standard Webhooks').waitFor();
    await expect(
      card.getByRole('list', { name: 'Event filters' }).getByRole('listitem').allTextContents(),
    ).resolves.toEqual(['*', 'token.*']);
    expect(await stored()).toMatchObject([
      { url: URL_1, events: ['*', 'token.*'], enabled: true, disabled_reason: null },
    ]);
    await look('webhooks-02-added');

    // Shown once: a reload shows the endpoint, never its secret.
    await page.reload();
    await endpoint(URL_1).waitFor();
    await networkIdle(page);
    expect(await page.getByTestId('signing-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(firstSecret);
  });

  it('sends a test event and sees it in the deliveries, redelivers it, and loads older deliveries by cursor', async () => {
    const card = endpoint(URL_1);
    await card.getByRole('button', { name: 'Send test event' }).click();
    await toast('Test event queued');
    const log = card.getByRole('table', { name: `Deliveries to ${URL_1}` });
    const rows = log.getByTestId('webhook-delivery');
    const [id] = await endpointIds();
    // The endpoint also received its own creation (an audit event its `*` takes); the test event is the other one.
    const first = (await listWebhookDeliveries(t.server.runtime.ctx, 'default', id!)).items;
    expect(first.map((d) => d.type).sort()).toEqual(['webhook.create', 'webhook.test']);
    const test = first.find((d) => d.type === 'webhook.test')!;
    expect(test).toMatchObject({ status: 'pending', attempts: 0 });
    const testRow = rows.filter({ has: page.getByRole('button', { name: `Redeliver webhook.test ${test.id}` }) });
    await testRow.getByText('pending').waitFor();

    await testRow.getByRole('button', { name: `Redeliver webhook.test ${test.id}` }).click();
    await toast('Redelivery queued');

    // 20 more: the first page is full and the oldest come by cursor (the redelivery is an audit event it receives too).
    for (let i = 0; i < 20; i++) await sendWebhookTest(t.server.runtime.ctx, CLI_ACTOR, 'default', id!);
    const total = (await listWebhookDeliveries(t.server.runtime.ctx, 'default', id!, 100)).items.length;
    expect(total).toBe(23);
    await card.getByRole('button', { name: 'Refresh deliveries' }).click();
    await expect.poll(() => rows.count(), POLL).toBe(20);
    await card.getByRole('button', { name: 'Load older deliveries' }).click();
    await expect.poll(() => rows.count(), POLL).toBe(total);
    await expect(card.getByRole('button', { name: 'Load older deliveries' }).count()).resolves.toBe(0);
    // Both pages together: every delivery once (the test server's clock stands still, so their order within the millisecond is the ids').
    const labels = await rows
      .getByRole('button', { name: /^Redeliver / })
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    const all = (await listWebhookDeliveries(t.server.runtime.ctx, 'default', id!, 100)).items;
    expect(new Set(labels)).toEqual(new Set(all.map((d) => `Redeliver ${d.type} ${d.id}`)));
    expect(all).toHaveLength(total);
    // On a phone the same log is a list, each delivery with its own visible "Redeliver".
    await page.setViewportSize(NARROW);
    const narrow = card.getByRole('list', { name: `Deliveries to ${URL_1}` });
    await expect.poll(() => narrow.getByRole('listitem').count(), POLL).toBe(total);
    await narrow.getByRole('button', { name: `Redeliver webhook.test ${test.id}` }).waitFor();
    await expect(log.isVisible()).resolves.toBe(false);
    await page.setViewportSize(WIDE);
    await expect(narrow.isVisible()).resolves.toBe(false);

    // Each state of a delivery, as the engine leaves it: the log shows its status, answer and latency.
    const now = t.clock.now();
    const attempts = [
      [all[0]!, { status: 'delivered', statusCode: 204, latencyMs: 84, error: null }, ['delivered', '204', '84 ms']],
      [
        all[1]!,
        { status: 'failed', statusCode: null, latencyMs: 5000, error: 'timed out after 5000 ms' },
        ['failed', 'no answer', 'timed out after 5000 ms', '5000 ms'],
      ],
      [all[2]!, { status: 'pending', statusCode: 503, latencyMs: 312, error: null }, ['pending', '503', '312 ms']],
    ] as const;
    for (const [delivery, attempt] of attempts)
      await tamper(t.server.runtime.ctx).recordWebhookAttempt(delivery.id, { ...attempt, atMs: now });
    await card.getByRole('button', { name: 'Refresh deliveries' }).click();
    for (const [delivery, , shown] of attempts) {
      // The newest three: test events, or the endpoint's own creation or redelivery events of the same millisecond.
      const row = rows.filter({ has: page.getByRole('button', { name: `Redeliver ${delivery.type} ${delivery.id}` }) });
      for (const text of shown) await row.getByText(text, { exact: true }).first().waitFor();
    }
    await look('webhooks-03-deliveries');
  });

  it('disables the endpoint and enables it again', async () => {
    const card = endpoint(URL_1);
    const enabled = card.getByRole('switch', { name: 'Enabled' });
    await enabled.click();
    await toast('Endpoint disabled');
    await card.getByTestId('webhook-state').getByText('Disabled').waitFor();
    expect(await stored()).toMatchObject([{ enabled: false, disabled_reason: null }]);
    await expect(enabled.isChecked()).resolves.toBe(false);
    await enabled.click();
    await toast('Endpoint enabled');
    await card.getByTestId('webhook-state').getByText('Enabled').waitFor();
    await expect(enabled.isChecked()).resolves.toBe(true);
    expect(await stored()).toMatchObject([{ enabled: true }]);

    // Disabled by the engine after 24 h of failures: said so; enabling it again clears the reason.
    const id = (await stored())[0]!.id;
    await tamper(t.server.runtime.ctx).disableWebhookForFailures(id, t.clock.now() - 25 * 3600_000);
    await page.reload();
    await card.getByTestId('webhook-state').getByText('Disabled after 24 h of failures').waitFor();
    await card.getByRole('alert').getByText('Fix the receiver, then enable the endpoint').waitFor();
    await look('webhooks-03b-disabled-failing');
    await enabled.click();
    await toast('Endpoint enabled');
    await card.getByTestId('webhook-state').getByText('Enabled').waitFor();
    await expect(enabled.isChecked()).resolves.toBe(true);
    expect(await stored()).toMatchObject([{ enabled: true, disabled_reason: null, failing_since: null }]);
  });

  it('edits the URL and the filters', async () => {
    await endpoint(URL_1).getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit endpoint' });
    await dialog.getByLabel('URL').fill(URL_2);
    const filters = dialog.getByLabel('Event filters');
    await filters.fill('member.*');
    await filters.press('Enter');
    // Leaving the field closes its suggestions, which lie over the buttons below.
    await filters.press('Tab');
    await dialog.getByRole('button', { name: 'Save endpoint' }).click();
    await dialog.waitFor({ state: 'detached' });
    await endpoint(URL_2).getByText('member.*').waitFor();
    expect(await stored()).toMatchObject([{ url: URL_2, events: ['*', 'token.*', 'member.*'] }]);
  });

  it('rotates the secret with a grace period: the new one shown once, both signatures until the old one expires', async () => {
    const card = endpoint(URL_2);
    await card.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate signing secret' });
    await dialog.getByRole('combobox', { name: 'Grace period' }).click();
    await page.getByRole('option', { name: '7 days' }).click();
    await expectAccessible(page, 'webhooks rotate dialog');
    await dialog.getByRole('button', { name: 'Rotate secret' }).click();
    await dialog.waitFor({ state: 'detached' });
    const secret = (await card.getByTestId('signing-secret').textContent()) ?? '';
    expect(secret).toMatch(SECRET);
    expect(secret).not.toBe(firstSecret);
    await card
      .getByTestId('rotation-overlap')
      .getByText(/each delivery carries both signatures/)
      .waitFor();
    const [e] = await stored();
    const expires = Date.parse(e!.previous_secret_expires_at!);
    expect(Math.abs(expires - (t.clock.now() + 604_800_000))).toBeLessThan(1000);
    await look('webhooks-04-rotated');

    await card.getByRole('button', { name: 'I have copied the secret' }).click();
    expect(await page.getByTestId('signing-secret').count()).toBe(0);
    await card.getByText('The previous secret also signs until').waitFor();
  });

  it('removes the endpoint after confirmation', async () => {
    await endpoint(URL_2).getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove endpoint' });
    await dialog.getByText('its undelivered events and its delivery log are deleted').waitFor();
    await expectAccessible(page, 'webhooks remove dialog');
    await dialog.getByRole('button', { name: 'Remove endpoint' }).click();
    await toast('Endpoint removed');
    await page.getByText('No webhook endpoints yet').waitFor();
    expect(await stored()).toEqual([]);
    expect(s.problems).toEqual([]);
  });

  it("is an owner's and an admin's tab: a developer has none, and its route shows the integrations", async () => {
    const ctx = t.server.runtime.ctx;
    const password = 'violet tractor umbrella 42';
    for (const [email, role] of [
      ['dev@tenant.test', 'developer'],
      ['ada@tenant.test', 'admin'],
    ] as const) {
      const { link } = await createInvitation(ctx, CLI_ACTOR, 'default', email, role, t.url);
      const { invitation } = await invitationOf(ctx, new URL(link).pathname.split('/').pop()!);
      await acceptInvitationAsNewAccount(ctx, invitation, password);
    }
    await t.server.runtime.changes.poll();
    await s.context.clearCookies();
    await s.signIn('dev@tenant.test', password);
    await page.goto(`${t.url}/console/environments/default/webhooks`);
    await page.getByRole('tab', { name: 'Integrations', selected: true }).waitFor();
    await expect(page.getByRole('tab', { name: 'Webhooks' }).count()).resolves.toBe(0);

    await s.context.clearCookies();
    await s.signIn('ada@tenant.test', password);
    await open();
    await page.getByRole('tab', { name: 'Webhooks', selected: true }).waitFor();
    await page.getByText('No webhook endpoints yet').waitFor();
    expect(s.problems).toEqual([]);
  });

  /** The ids of the stored endpoints. */
  async function endpointIds(): Promise<string[]> {
    return (await stored()).map((e) => e.id);
  }
});
