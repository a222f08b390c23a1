/**
 * The data and the ways around of the "newer screens" checked by accessibility-new-screens.test.ts
 * (axe) and keyboard-new-screens.test.ts (Tab): one seed, so both tests look at the same screens.
 * @packageDocumentation
 */
import type { Page } from 'playwright-core';
import { CLI_ACTOR } from '../../../server/src/context.js';
import { createEnvironment, requireEnvironment } from '../../../server/src/services/environments.js';
import { updateIntegration } from '../../../server/src/services/integrations.js';
import {
  acceptInvitationAsNewAccount,
  createInvitation,
  invitationOf,
} from '../../../server/src/services/invitations.js';
import { openConsole, type ConsoleSession } from './browser.js';
import { createBrochureBuilder, createInvoicesApi } from './seed.js';
import { networkIdle } from './network.js';
import { tamper } from '@gatehouse/testing/tamper';

/** One screen or state: how to get there from anywhere (ends with the state on screen). */
export interface Screen {
  name: string;
  open: (page: Page) => Promise<void>;
  /** A CSS selector: axe runs only inside it (see /docs). */
  include?: string;
  /** CSS selectors axe leaves out (see /docs). */
  exclude?: string[];
}

/** The password of the seeded members (vic@, dev@, ron@tenant.test). */
export const MEMBER_PASSWORD = 'violet tractor umbrella 42';

/** What {@link seedNewScreens} made that the screens' URLs need. */
export interface NewScreensSeed {
  /** client_id of the integration "Brochure builder v2" in `default`. */
  clientId: string;
  /** Path of an unused owner invitation (olga@tenant.test) to `default`. */
  unusedInvitation: string;
}

/**
 * Seeds `s`'s server through the services: an environment `staging`; in `default` an API
 * "Invoices" (two scopes), an integration "Brochure builder" renamed to "… v2" (so the audit log
 * shows what changed), a customer `cus_42` "Acme Ltd", members vic@ (viewer), dev@ (developer)
 * and ron@ (viewer) who accepted their invitations with {@link MEMBER_PASSWORD}, and an unused
 * owner invitation; then applies the changes.
 */
export async function seedNewScreens(s: ConsoleSession): Promise<NewScreensSeed> {
  const ctx = s.t.server.runtime.ctx;
  await createEnvironment(ctx, CLI_ACTOR, 'staging', 'Staging');
  await createInvoicesApi(ctx);
  const clientId = await createBrochureBuilder(ctx);
  // An update, so the audit log has a "What changed" cell to show.
  await updateIntegration(ctx, CLI_ACTOR, clientId, {
    name: 'Brochure builder v2',
    description: 'Renders brochures at night',
  });
  const env = await requireEnvironment(ctx, 'default');
  const now = Math.floor(s.t.clock.now() / 1000);
  await tamper(ctx).insertCustomer({
    environmentId: env.id,
    id: 'cus_42',
    name: 'Acme Ltd',
    fields: { plan: 'pro', seats: 12 },
    createdAt: now - 86_400,
    lastSeenAt: now,
  });
  for (const [email, role] of [
    ['vic@tenant.test', 'viewer'],
    ['dev@tenant.test', 'developer'],
    ['ron@tenant.test', 'viewer'],
  ] as const) {
    const { link } = await createInvitation(ctx, CLI_ACTOR, 'default', email, role, s.t.url);
    const { invitation } = await invitationOf(ctx, new URL(link).pathname.split('/').pop()!);
    await acceptInvitationAsNewAccount(ctx, invitation, MEMBER_PASSWORD);
  }
  const unusedInvitation = new URL(
    (await createInvitation(ctx, CLI_ACTOR, 'default', 'olga@tenant.test', 'owner', s.t.url)).link,
  ).pathname;
  await s.t.server.runtime.changes.poll();
  return { clientId, unusedInvitation };
}

/**
 * The newer screens' fixture, made at `describe` level so its ways around can be named there; they
 * work once `start()` (in `beforeAll`) has opened the console and seeded it.
 */
export function newScreensFixture() {
  let session: ConsoleSession | undefined;
  let seed: NewScreensSeed | undefined;
  const s = (): ConsoleSession => session ?? fail('start() first');
  const seeded = (): NewScreensSeed => seed ?? fail('start() first');
  const settled = (p: Page) => networkIdle(p);
  const env =
    (tab: string, slug = 'default') =>
    async (p: Page) => {
      await p.goto(`${s().t.url}/console/environments/${slug}/${tab}`);
      await p.getByRole('tabpanel').waitFor();
      await settled(p);
    };
  const integration = (tab: string) => async (p: Page) => {
    await p.goto(`${s().t.url}/console/environments/default/integrations/${seeded().clientId}/${tab}`);
    await p.getByRole('tabpanel').waitFor();
    await settled(p);
  };
  const dialog = (name: string | RegExp) => (p: Page) => p.getByRole('dialog', { name }).waitFor();
  const byName = new Map(
    sharedScreens({ env, integration, dialog, settled, invitation: () => s().t.url + seeded().unusedInvitation }).map(
      (screen) => [screen.name, screen],
    ),
  );
  return {
    /** Opens the console ({@link openConsole}'s defaults) and seeds it ({@link seedNewScreens}). */
    start: async (): Promise<ConsoleSession> => {
      session = await openConsole();
      seed = await seedNewScreens(session);
      return session;
    },
    close: async () => {
      await session?.close();
    },
    /** Waits until the page's network is idle. */
    settled,
    /** Signs in as `email` from a fresh session (cookies cleared first). */
    signInAs: async (email: string, password: string) => {
      await s().context.clearCookies();
      await s().signIn(email, password);
    },
    /** An environment's tab. */
    env,
    /** The seeded integration's tab. */
    integration,
    /** Waits for the dialog named `name`. */
    dialog,
    /**
     * The shared screens named, in that order.
     * @throws Error on a name that is not a shared screen.
     */
    pick: (...names: string[]): Screen[] => names.map((name) => byName.get(name) ?? fail(`no shared screen ${name}`)),
  };
}

function fail(message: string): never {
  throw new Error(message);
}

/** The screens both newer-screens tests visit. */
function sharedScreens({
  env,
  integration,
  dialog,
  settled,
  invitation,
}: {
  env: (tab: string, slug?: string) => (p: Page) => Promise<void>;
  integration: (tab: string) => (p: Page) => Promise<void>;
  dialog: (name: string | RegExp) => (p: Page) => Promise<void>;
  settled: (p: Page) => Promise<void>;
  /** The unused invitation's URL. */
  invitation: () => string;
}): Screen[] {
  return [
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
    {
      name: 'invitation',
      open: async (p) => (await p.goto(invitation()), await p.getByRole('heading', { name: 'Join Default' }).waitFor()),
    },
    ...['integrations', 'customers', 'apis', 'settings', 'audit', 'members'].map((tab) => ({
      name: `viewer-${tab}`,
      open: env(tab),
    })),
    {
      name: 'viewer-integration-general',
      open: async (p) => (await integration('general')(p), await p.getByTestId('read-only-note').first().waitFor()),
    },
    {
      name: 'developer-integration-general',
      open: async (p) => (await integration('general')(p), await p.getByTestId('read-only-note').first().waitFor()),
    },
  ];
}
