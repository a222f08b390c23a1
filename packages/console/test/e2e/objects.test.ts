/**
 * Managing objects in the console (issue #19), in Debian's Chromium against a real Gatehouse:
 * the pencil on an environment opens its Settings tab; an API is registered with the scopes
 * editor (pasting `invoices:read invoices:write` makes two scopes; a bad scope is marked inline),
 * edited (renamed, a scope held by an integration removed: its grant shrinks) and deleted (refused
 * while an integration holds grants, then forced); a public key removed after a confirmation; a
 * customer's details viewed and the customer deleted; an environment deleted after typing its
 * slug, and never offered for the last one. Screenshots at 1366 px and 390 px land in
 * `test-results/`; each photographed state is checked with axe first.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import { CLI_ACTOR, apis as apiService, credentials, environments, integrations } from '@gatehouse/server';
import { generateKeyPairSync } from 'node:crypto';
import { expectAccessible } from './axe.js';
import { openConsole, skipAfterFailure, WIDE, type ConsoleSession } from './browser.js';
import { networkIdle } from './network.js';
import { stored } from '@gatehouse/testing/stored';
import { tamper } from '@gatehouse/testing/tamper';

const AUD = 'https://invoices.example';
const { listApis } = apiService;
const { createIntegration, requireIntegration, grantsOf } = integrations;
const { createEnvironment, requireEnvironment } = environments;
const { addPublicKey, getCredentials } = credentials;

describe('managing objects in the console', () => {
  let s: ConsoleSession;
  let t: TestServer;
  let page: Page;
  let problems: string[];
  // Each state photographed is also checked with axe (WCAG 2.1 A/AA), as accessibility.test.ts does.
  const shot = async (name: string) => {
    await page.setViewportSize(WIDE);
    await expectAccessible(page, `objects-${name}`);
    await s.shots(`objects-${name}`);
  };
  const toast = (title: string) => page.getByText(title, { exact: true }).first().waitFor();
  const apis = () => listApis(t.server.runtime.ctx, 'default');

  beforeAll(async () => {
    s = await openConsole({ expectedConsoleErrors: /status of 40[149]/, reportCsp: false });
    ({ t, page, problems } = s);
  }, 180_000);
  skipAfterFailure();
  afterAll(async () => {
    await s?.close();
  });

  it('signs in; the pencil on an environment opens its Settings tab, the name its integrations', async () => {
    await s.signIn();
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
    await page.getByRole('button', { name: 'Edit' }).first().click();
    await page.getByRole('tab', { name: 'Settings', selected: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/environments/default/settings');
    await page.goBack();
    await page.getByRole('link', { name: 'Default' }).first().click();
    await page.getByRole('tab', { name: 'Integrations', selected: true }).waitFor();
  });

  it('registers an API: pasted space-separated scopes become one row each; a bad scope is marked inline', async () => {
    await page.getByRole('tab', { name: 'APIs' }).click();
    await page.getByRole('button', { name: 'Register API' }).click();
    const dialog = page.getByRole('dialog', { name: 'Register API' });
    await dialog.getByLabel('Name').fill('Invoices');
    await dialog.getByLabel('Audience').fill(AUD);
    await dialog.getByLabel('Scope 1', { exact: true }).fill('invoices:read invoices:write');
    expect(await dialog.getByLabel('Scope 1', { exact: true }).inputValue()).toBe('invoices:read');
    expect(await dialog.getByLabel('Scope 2', { exact: true }).inputValue()).toBe('invoices:write');
    await dialog.getByLabel('Description of scope 1').fill('Read invoices');
    // Typing goes on in the new row after a split.
    await dialog.getByLabel('Description of scope 2').fill('Create invoices');
    await dialog.getByRole('button', { name: 'Add scope' }).click();
    await page.keyboard.type('bad"scope');
    await dialog.getByText('A scope is 1–200 printable characters', { exact: false }).waitFor();
    await shot('01-register-api-invalid');
    await dialog.getByRole('button', { name: 'Register API' }).click();
    await dialog.getByRole('alert').getByText('Correct the scopes marked below.').waitFor();
    expect((await apis()).some((a) => a.audience === AUD)).toBe(false);
    await dialog.getByRole('button', { name: 'Remove scope 3 (bad"scope)' }).click();
    await dialog.getByRole('button', { name: 'Register API' }).click();
    await toast('API registered');
    const registered = (await apis()).find((a) => a.audience === AUD)!;
    expect(registered.scopes).toEqual([
      { value: 'invoices:read', description: 'Read invoices' },
      { value: 'invoices:write', description: 'Create invoices' },
    ]);
    await page.getByRole('region', { name: 'Invoices' }).getByText('invoices:write').waitFor();
    await shot('02-apis');
  });

  it('edits an API: renamed, a held scope removed (the grant shrinks, with a warning first)', async () => {
    const c = await createIntegration(t.server.runtime.ctx, CLI_ACTOR, 'default', {
      name: 'billing',
      grants: [{ audience: AUD, scopes: ['invoices:read', 'invoices:write'] }],
    });
    await page.getByRole('button', { name: 'Edit Invoices' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Invoices' });
    await dialog.getByLabel('Name').fill('Billing');
    await dialog.getByRole('button', { name: 'Remove scope 2 (invoices:write)' }).click();
    await dialog
      .getByText("invoices:write will be taken out of every integration's grants", { exact: false })
      .waitFor();
    await shot('03-edit-api');
    await dialog.getByRole('button', { name: 'Save API' }).click();
    await toast('API saved');
    await page.getByRole('region', { name: 'Billing' }).waitFor();
    const { env, client } = await requireIntegration(t.server.runtime.ctx, c.client_id);
    expect(grantsOf(env, client).find((g) => g.audience === AUD)?.scopes).toEqual(['invoices:read']);
    expect((await apis()).find((a) => a.audience === AUD)).toMatchObject({
      name: 'Billing',
      scopes: [{ value: 'invoices:read', description: 'Read invoices' }],
    });
  });

  it('deletes an API: refused while an integration holds grants, then forced with the box ticked', async () => {
    await page.getByRole('button', { name: 'Delete Billing' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Billing?' });
    await dialog.getByRole('button', { name: 'Delete API' }).click();
    await dialog.getByText('hold grants on this API', { exact: false }).first().waitFor();
    expect(await dialog.getByRole('button', { name: 'Delete API' }).isDisabled()).toBe(true);
    expect((await apis()).some((a) => a.audience === AUD)).toBe(true);
    await shot('04-delete-api-held');
    await dialog.getByLabel('Also remove their grants and revoke their tokens for this API').check();
    await dialog.getByRole('button', { name: 'Delete API' }).click();
    await toast('API deleted');
    await page.getByRole('region', { name: 'Billing' }).waitFor({ state: 'detached' });
    expect((await apis()).some((a) => a.audience === AUD)).toBe(false);
    // The Environment API offers neither.
    expect(await page.getByRole('button', { name: /^(Edit|Delete) Environment API/ }).count()).toBe(0);
  });

  it('removes a public key after a confirmation', async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'pem',
    }) as string;
    await addPublicKey(t.server.runtime.ctx, CLI_ACTOR, 'default', { alg: 'ES256', key: pem, kid: 'backend-1' });
    await page.getByRole('tab', { name: 'Customer tokens' }).click();
    await page.getByRole('button', { name: 'Remove key backend-1' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove public key?' });
    await dialog.getByText('are refused from now on', { exact: false }).waitFor();
    await shot('05-remove-public-key');
    await dialog.getByRole('button', { name: 'Remove key' }).click();
    await toast('Public key removed');
    await page.getByText('No public keys').waitFor();
    expect((await getCredentials(t.server.runtime.ctx, 'default')).public_keys).toEqual([]);
  });

  it("shows a customer's details and deletes the customer", async () => {
    const env = await requireEnvironment(t.server.runtime.ctx, 'default');
    const now = Math.floor(t.clock.now() / 1000);
    await tamper(t).insertCustomer({
      environmentId: env.id,
      id: 'cus_42',
      name: 'Acme Ltd',
      fields: { plan: 'pro' },
      createdAt: now - 86_400,
      lastSeenAt: now,
    });
    await page.getByRole('tab', { name: 'Customers', exact: true }).click();
    await page.getByRole('button', { name: 'View customer cus_42' }).click();
    const dialog = page.getByRole('dialog', { name: 'Customer Acme Ltd' });
    await dialog.getByText('"plan": "pro"', { exact: false }).waitFor();
    await dialog.getByText('First seen', { exact: false }).waitFor();
    await shot('06-customer-detail');
    await dialog.getByRole('button', { name: 'Delete customer' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete customer cus_42?' });
    await confirm.getByRole('button', { name: 'Delete customer' }).click();
    await toast('Customer deleted');
    await page.getByText('No customers yet').waitFor();
    expect(await stored(t).customers('cus_42')).toEqual([]);
  });

  it('deletes an environment after its slug is typed; the last one offers no delete', async () => {
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'staging', 'Staging');
    await page.goto(`${t.url}/console/environments/staging/settings`);
    await page.getByRole('button', { name: 'Delete environment' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Staging?' });
    const confirm = dialog.getByRole('button', { name: 'Delete environment' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type staging to confirm').fill('stagin');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type staging to confirm').fill('staging');
    await shot('07-delete-environment');
    await confirm.click();
    await toast('Environment deleted');
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
    await expect(requireEnvironment(t.server.runtime.ctx, 'staging')).rejects.toMatchObject({ status: 404 });
    await page.goto(`${t.url}/console/environments/default/settings`);
    await page.getByRole('button', { name: 'Save' }).waitFor();
    await page.getByLabel('Token lifetime').waitFor();
    // Give the environments list a moment to load, then check nothing is offered.
    await networkIdle(page);
    expect(await page.getByRole('button', { name: 'Delete environment' }).count()).toBe(0);
    await shot('08-settings-last-environment');
  });

  it('logged no errors', () => {
    expect(problems).toEqual([]);
  });
});
