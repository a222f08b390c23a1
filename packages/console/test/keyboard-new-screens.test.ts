/**
 * Every action reachable by keyboard (issue #19 item 7) on the screens added since
 * accessibility.test.ts was written, in Debian's Chromium against a real Gatehouse at 1366 px:
 * the Members tab (list, invitation form, the link shown once), the invitation page, the usage
 * card on an integration's General tab, the audit filters with results, a customer's details and
 * its delete confirmation, the API edit and delete dialogs, the delete-environment card and its
 * dialog, a viewer's and a developer's screens, the profile page (change password, TOTP
 * enrolment, recovery codes) and the sign-in page with its TOTP step. On each, a Tab walk from
 * the top must reach every visible, enabled control (`expectKeyboardReachable`).
 */
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../server/src/context.js';
import { createAdmin } from '../../server/src/services/admins.js';
import { createEnvironment, requireEnvironment } from '../../server/src/services/environments.js';
import { createApi } from '../../server/src/services/apis.js';
import { createIntegration, updateIntegration } from '../../server/src/services/integrations.js';
import { acceptInvitation, createInvitation } from '../../server/src/services/invitations.js';
import { EMAIL, openConsole, PASSWORD, WIDE, type ConsoleSession } from './browser.js';
import { expectKeyboardReachable } from './keyboard.js';

/** One screen or state: how to get there from anywhere (ends with the state on screen). */
interface Screen {
  name: string;
  open: (page: Page) => Promise<void>;
}

const MEMBER_PASSWORD = 'violet tractor umbrella 42';
const TOTP_EMAIL = 'tess@example.com';
const TOTP_PASSWORD = 'seven purple lanterns 19';

describe('every action of the newer screens is reachable with Tab', () => {
  let s: ConsoleSession;
  let page: Page;
  let clientId = '';
  let unusedInvitation = '';

  beforeAll(async () => {
    s = await openConsole();
    page = s.page;
    const ctx = s.t.server.runtime.ctx;
    await createEnvironment(ctx, CLI_ACTOR, 'staging', 'Staging');
    await createApi(ctx, CLI_ACTOR, 'default', {
      name: 'Invoices',
      audience: 'https://invoices.example.com',
      scopes: [{ value: 'invoices:read', description: 'Read invoices' }, { value: 'invoices:write' }],
    });
    const c = await createIntegration(ctx, CLI_ACTOR, 'default', {
      name: 'Brochure builder',
      description: 'Renders brochures overnight',
      preset: 'read-only',
    });
    clientId = c.client_id;
    // An update, so the audit log has a "What changed" cell to show.
    await updateIntegration(ctx, CLI_ACTOR, clientId, {
      name: 'Brochure builder v2',
      description: 'Renders brochures at night',
    });
    const env = await requireEnvironment(ctx, 'default');
    const now = Math.floor(s.t.clock.now() / 1000);
    await ctx.db
      .insertInto('customers')
      .values({
        environment_id: env.id,
        id: 'cus_42',
        name: 'Acme Ltd',
        fields: JSON.stringify({ plan: 'pro', seats: 12 }),
        created_at: now - 86_400,
        last_seen_at: now,
      })
      .execute();
    for (const [email, role] of [
      ['vic@tenant.test', 'viewer'],
      ['dev@tenant.test', 'developer'],
      ['ron@tenant.test', 'viewer'],
    ] as const) {
      const { link } = await createInvitation(ctx, CLI_ACTOR, 'default', email, role, s.t.url);
      await acceptInvitation(ctx, new URL(link).pathname.split('/').pop()!, MEMBER_PASSWORD);
    }
    unusedInvitation = new URL(
      (await createInvitation(ctx, CLI_ACTOR, 'default', 'olga@tenant.test', 'owner', s.t.url)).link,
    ).pathname;
    await createAdmin(ctx, CLI_ACTOR, TOTP_EMAIL, TOTP_PASSWORD);
    await s.t.server.runtime.changes.poll();
  }, 180_000);
  afterAll(async () => {
    await s?.close();
  });

  const signInAs = async (email: string, password: string) => {
    await s.context.clearCookies();
    await page.goto(`${s.t.url}/console/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };
  const settled = (p: Page) => p.waitForLoadState('networkidle');
  const env =
    (tab: string, slug = 'default') =>
    async (p: Page) => {
      await p.goto(`${s.t.url}/console/environments/${slug}?tab=${tab}`);
      await p.getByRole('tabpanel').waitFor();
      await settled(p);
    };
  const integration = (tab: string) => async (p: Page) => {
    await p.goto(`${s.t.url}/console/environments/default/integrations/${clientId}?tab=${tab}`);
    await p.getByRole('tabpanel').waitFor();
    await settled(p);
  };
  const dialog = (name: string | RegExp) => (p: Page) => p.getByRole('dialog', { name }).waitFor();

  const failures: string[] = [];
  async function checkAll(screens: Screen[]): Promise<void> {
    await page.setViewportSize(WIDE);
    for (const screen of screens) {
      await screen.open(page);
      await expectKeyboardReachable(page, screen.name).catch((err: Error) => failures.push(err.message));
      // The walk really went through the screen (inside the dialog, when one is open).
      const reached = await page.evaluate(() => {
        const modal = document.querySelector('[role="dialog"][aria-modal="true"]') ?? document;
        return modal.querySelectorAll('[data-kb-seen]').length;
      });
      if (reached < 1) failures.push(`${screen.name}: Tab reached no control at all`);
    }
  }

  it("an administrator's newer screens: every control reachable with Tab", async () => {
    await s.signIn();
    const before = failures.length;
    await checkAll([
      {
        name: 'members',
        open: async (p) => (await env('members')(p), await p.getByRole('table', { name: 'Members' }).waitFor()),
      },
      {
        name: 'members-invitation-link-shown',
        open: async (p) => {
          await env('members')(p);
          await p
            .getByRole('form', { name: 'Invite a member' })
            .getByLabel('Email')
            .fill(`new-${Date.now()}@tenant.test`);
          await p.getByRole('button', { name: 'Create invitation link' }).click();
          await p.getByTestId('invitation-link').waitFor();
        },
      },
      {
        name: 'integration-general-usage',
        open: async (p) => (
          await integration('general')(p),
          await p.getByText('Last used', { exact: false }).first().waitFor()
        ),
      },
      {
        name: 'audit-with-changes',
        open: async (p) => (
          await env('audit')(p),
          await p.getByRole('form', { name: 'Filter the audit log' }).waitFor(),
          await p.getByText('What changed').first().waitFor()
        ),
      },
      {
        name: 'audit-filtered',
        open: async (p) => {
          await env('audit')(p);
          await p.getByLabel('Action').fill('integration.*');
          await p.getByRole('button', { name: 'Filter', exact: true }).click();
          await settled(p);
        },
      },
      {
        name: 'customers',
        open: async (p) => (
          await env('customers')(p),
          await p.getByRole('button', { name: 'View customer cus_42' }).waitFor()
        ),
      },
      {
        name: 'customer-detail',
        open: async (p) => (
          await env('customers')(p),
          await p.getByRole('button', { name: 'View customer cus_42' }).click(),
          await dialog('Customer Acme Ltd')(p)
        ),
      },
      {
        name: 'customer-delete-confirm',
        open: async (p) => {
          await env('customers')(p);
          await p.getByRole('button', { name: 'View customer cus_42' }).click();
          await p
            .getByRole('dialog', { name: 'Customer Acme Ltd' })
            .getByRole('button', { name: 'Delete customer' })
            .click();
          await dialog('Delete customer cus_42?')(p);
        },
      },
      {
        name: 'apis',
        open: async (p) => (await env('apis')(p), await p.getByRole('button', { name: 'Edit Invoices' }).waitFor()),
      },
      {
        name: 'api-edit',
        open: async (p) => (
          await env('apis')(p),
          await p.getByRole('button', { name: 'Edit Invoices' }).click(),
          await dialog('Edit Invoices')(p)
        ),
      },
      {
        name: 'api-delete',
        open: async (p) => (
          await env('apis')(p),
          await p.getByRole('button', { name: 'Delete Invoices' }).click(),
          await dialog('Delete Invoices?')(p)
        ),
      },
      {
        name: 'settings-delete-environment-card',
        open: async (p) => (
          await env('settings', 'staging')(p),
          await p.getByRole('button', { name: 'Delete environment' }).waitFor()
        ),
      },
      {
        name: 'delete-environment-typed',
        open: async (p) => {
          await env('settings', 'staging')(p);
          await p.getByRole('button', { name: 'Delete environment' }).click();
          await dialog('Delete Staging?')(p);
          await p.getByRole('dialog').getByRole('textbox').fill('stag');
        },
      },
    ]);
    expect(failures.slice(before).join('\n')).toBe('');
  }, 600_000);

  it('the invitation page: every control reachable with Tab', async () => {
    await s.context.clearCookies();
    const before = failures.length;
    await checkAll([
      {
        name: 'invitation',
        open: async (p) => (
          await p.goto(s.t.url + unusedInvitation),
          await p.getByRole('heading', { name: 'Join Gatehouse' }).waitFor()
        ),
      },
    ]);
    expect(failures.slice(before).join('\n')).toBe('');
  }, 300_000);

  it("a viewer's and a developer's screens: every control reachable with Tab", async () => {
    const before = failures.length;
    await signInAs('vic@tenant.test', MEMBER_PASSWORD);
    await checkAll([
      ...['integrations', 'customers', 'apis', 'settings', 'audit', 'members'].map((tab) => ({
        name: `viewer-${tab}`,
        open: env(tab),
      })),
      {
        name: 'viewer-customer-detail',
        open: async (p) => (
          await env('customers')(p),
          await p.getByRole('button', { name: 'View customer cus_42' }).click(),
          await dialog('Customer Acme Ltd')(p)
        ),
      },
      {
        name: 'viewer-integration-general',
        open: async (p) => (await integration('general')(p), await p.getByTestId('read-only-note').first().waitFor()),
      },
    ]);
    await signInAs('dev@tenant.test', MEMBER_PASSWORD);
    await checkAll([
      {
        name: 'developer-integration-general',
        open: async (p) => (await integration('general')(p), await p.getByTestId('read-only-note').first().waitFor()),
      },
    ]);
    expect(failures.slice(before).join('\n')).toBe('');
  }, 600_000);

  it('the profile page (change password, TOTP enrolment) and the sign-in TOTP step: every control reachable with Tab', async () => {
    const before = failures.length;
    let secret = '';
    const code = () =>
      new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
        timestamp: s.t.clock.now(),
      });
    await s.context.clearCookies();
    await checkAll([
      {
        name: 'sign-in',
        open: async (p) => (await p.goto(`${s.t.url}/console/`), await p.getByLabel('Email').waitFor()),
      },
    ]);
    await signInAs(TOTP_EMAIL, TOTP_PASSWORD);
    await checkAll([
      {
        name: 'profile',
        open: async (p) => (
          await p.goto(`${s.t.url}/console/profile`),
          await p.getByRole('heading', { name: 'Your profile' }).waitFor(),
          await settled(p)
        ),
      },
      {
        name: 'profile-totp-enrol',
        open: async (p) => {
          await p.getByRole('button', { name: 'Set up two-factor authentication' }).click();
          await p.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
          secret = (await p.getByLabel('TOTP secret').textContent())!.trim();
        },
      },
      {
        name: 'profile-recovery-codes',
        open: async (p) => {
          await p.getByLabel('Code from the app').fill(code());
          await p.getByRole('button', { name: 'Turn on' }).click();
          await p.getByRole('group', { name: 'Recovery codes', exact: true }).waitFor();
        },
      },
      {
        name: 'profile-totp-on',
        open: async (p) => {
          await p.getByRole('button', { name: 'I saved them' }).click();
          await p.getByText('10 recovery codes left', { exact: false }).waitFor();
        },
      },
    ]);
    await s.context.clearCookies();
    await checkAll([
      {
        name: 'sign-in-totp-step',
        open: async (p) => {
          await p.goto(`${s.t.url}/console/`);
          await p.getByLabel('Email').fill(TOTP_EMAIL);
          await p.getByLabel('Password', { exact: true }).fill(TOTP_PASSWORD);
          await p.getByRole('button', { name: 'Sign in', exact: true }).click();
          await p.getByLabel('Authentication code').waitFor();
        },
      },
    ]);
    expect(failures.slice(before).join('\n')).toBe('');
    await signInAs(EMAIL, PASSWORD);
  }, 600_000);
});
