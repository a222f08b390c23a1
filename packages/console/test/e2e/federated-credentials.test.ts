/**
 * The "Federated credentials" card on an integration's General tab (issue #26), in Debian's
 * Chromium against a real Gatehouse: the GitHub Actions preset fills the issuer and shows the
 * subject's form, a credential is added (stored as typed, claim included) and removed after
 * confirmation; the same (issuer, subject) on another integration is refused naming the holder.
 * axe passes; screenshots at 1366 and 390 px land in `test-results/federated-credentials-*.png`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import { CLI_ACTOR } from '../../../server/src/context.js';
import { createIntegration } from '../../../server/src/services/integrations.js';
import { listFederatedCredentials } from '../../../server/src/services/federated-credentials.js';
import { expectAccessible } from './axe.js';
import { openConsole, type ConsoleSession } from './browser.js';

describe('federated credentials card', () => {
  let s: ConsoleSession;
  let t: TestServer;
  let page: Page;
  const ids = { first: '', second: '' };
  const open = async (clientId: string) => {
    await page.goto(`${t.url}/console/environments/default/integrations/${clientId}`);
    await page.getByText('Federated credentials').first().waitFor();
    await page.waitForLoadState('networkidle');
  };
  const toast = (title: string) => page.getByText(title).first().waitFor();
  const platform = (name: string) => page.getByRole('radio', { name }).check();

  beforeAll(async () => {
    s = await openConsole({ timeoutMs: 15_000 });
    ({ t, page } = s);
    const ctx = t.server.runtime.ctx;
    ids.first = (
      await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'Deployer', preset: 'read-only' })
    ).client_id;
    ids.second = (await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'Other', preset: 'read-only' })).client_id;
    await s.signIn();
  }, 120_000);
  afterAll(() => s?.close());

  it(
    'adds a GitHub Actions credential from the preset, refuses a duplicate elsewhere, removes it',
    { timeout: 120_000 },
    async () => {
      await open(ids.first);
      await platform('GitHub Actions');
      await expect(page.getByLabel('Issuer').inputValue()).resolves.toBe('https://token.actions.githubusercontent.com');
      await page.getByText('Form: repo:ORG/REPO:ref:refs/heads/BRANCH').waitFor();
      await page.getByLabel('Subject', { exact: true }).fill('repo:acme/deploy:ref:refs/heads/main');
      await page.getByLabel('Claim conditions (optional)').fill('repository_owner=acme');
      await page.getByRole('button', { name: 'Add federated credential' }).click();
      await toast('Federated credential added');
      await page.getByRole('table', { name: 'Federated credentials' }).getByText('repository_owner=acme').waitFor();
      const stored = await listFederatedCredentials(t.server.runtime.ctx, ids.first);
      expect(stored).toMatchObject([
        {
          issuer: 'https://token.actions.githubusercontent.com',
          subject: 'repo:acme/deploy:ref:refs/heads/main',
          audience: null,
          claims: { repository_owner: 'acme' },
        },
      ]);
      await expectAccessible(page, 'federated credentials card');
      await s.shots('federated-credentials-01-added');

      await open(ids.second);
      await platform('GitHub Actions');
      await page.getByLabel('Subject', { exact: true }).fill('repo:acme/deploy:ref:refs/heads/main');
      await page.getByRole('button', { name: 'Add federated credential' }).click();
      await page.getByText(`already trusted by integration ${ids.first}`).first().waitFor();
      expect(await listFederatedCredentials(t.server.runtime.ctx, ids.second)).toEqual([]);

      await open(ids.first);
      await page
        .getByRole('button', { name: 'Remove federated credential repo:acme/deploy:ref:refs/heads/main' })
        .click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove credential' }).click();
      await toast('Federated credential removed');
      await expect.poll(async () => (await listFederatedCredentials(t.server.runtime.ctx, ids.first)).length).toBe(0);
      await platform('Kubernetes');
      await s.shots('federated-credentials-02-kubernetes');
      expect(s.problems).toEqual([]);
    },
  );
});
