/**
 * docs/security.md K-103: every route of the app, with its method, URL and declared action, is
 * the table below (a new route must be added here, with its action); a route of an authenticating
 * context without an action (or with an unknown one) makes `buildApp` throw, so the server does not
 * start; docs/product.md's route table is this listing (run with `GATEHOUSE_UPDATE_DOCS=1` to
 * rewrite it after a change).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { newStoreLocation } from '@gatehouse/testing/stores';
import { testConfig } from '@gatehouse/testing/server';
import { buildApp, createRuntime } from '../../src/index.js';
import type { RouteEntry } from '../../src/auth/route-action.js';
import type * as SelfModule from '../../src/api/self.js';
import type * as ProfileModule from '../../src/console/profile-routes.js';

/**
 * A route the test slips into the Environment API context (through its `/self` registrar), or into
 * the console's signed-in context (through its profile registrar).
 */
const rogue = vi.hoisted(() => ({
  add: undefined as undefined | ((app: FastifyInstance) => void),
  addToConsole: undefined as undefined | ((app: FastifyInstance) => void),
}));
vi.mock('../../src/console/profile-routes.js', async (importOriginal) => {
  const original = await importOriginal<typeof ProfileModule>();
  return {
    ...original,
    profileRoutes: async (app: FastifyInstance, ...rest: unknown[]) => {
      await (original.profileRoutes as (app: FastifyInstance, ...r: unknown[]) => Promise<void>)(app, ...rest);
      rogue.addToConsole?.(app);
    },
  };
});
vi.mock('../../src/api/self.js', async (importOriginal) => {
  const original = await importOriginal<typeof SelfModule>();
  return {
    ...original,
    selfRoute: (app: FastifyInstance, rt: Parameters<typeof original.selfRoute>[1]) => {
      original.selfRoute(app, rt);
      rogue.add?.(app);
    },
  };
});

const PUBLIC = null;
/** Every route: method, URL, action (null: a context that authenticates no one). */
const EXPECTED: [string, string, string | null][] = [
  ['POST', '/oauth/token', PUBLIC],
  ['GET', '/oauth/token', PUBLIC],
  ['PUT', '/oauth/token', PUBLIC],
  ['DELETE', '/oauth/token', PUBLIC],
  ['PATCH', '/oauth/token', PUBLIC],
  ['POST', '/oauth/revoke', PUBLIC],
  ['POST', '/oauth/introspect', PUBLIC],
  ['GET', '/api/v1/self', 'self.read'],
  ['GET', '/api/v1/environments/:env/projects', 'project.list'],
  ['POST', '/api/v1/environments/:env/projects', 'project.create'],
  ['GET', '/api/v1/environments/:env/projects/:id', 'project.read'],
  ['PATCH', '/api/v1/environments/:env/projects/:id', 'project.update'],
  ['DELETE', '/api/v1/environments/:env/projects/:id', 'project.delete'],
  ['GET', '/api/v1/environments/:env/media', 'media.list'],
  ['GET', '/api/v1/environments/:env/media/:id', 'media.read'],
  ['POST', '/api/v1/environments/:env/media', 'media.create'],
  ['GET', '/api/v1/environments/:env/fonts', 'fonts.list'],
  ['GET', '/api/v1/environments/:env/fonts/:id', 'fonts.read'],
  ['POST', '/api/v1/environments/:env/fonts', 'fonts.create'],
  ['POST', '/api/v1/environments/:env/outputs', 'output.create'],
  ['GET', '/api/v1/environments/:env/outputs', 'output.list'],
  ['GET', '/api/v1/environments/:env/outputs/:id', 'output.read'],
  ['GET', '/api/v1/environments/:env/customers', 'customer.list'],
  ['GET', '/api/v1/environments/:env/customers/:id', 'customer.read'],
  ['PATCH', '/api/v1/environments/:env/customers/:id', 'customer.update'],
  ['DELETE', '/api/v1/environments/:env/customers/:id', 'customer.delete'],
  ['GET', '/api/v1/environments/:env/credentials', 'credentials.read'],
  ['POST', '/api/v1/environments/:env/credentials/secret', 'credentials.create_secret'],
  ['POST', '/api/v1/environments/:env/credentials/rotate-secret', 'credentials.rotate'],
  ['POST', '/api/v1/environments/:env/credentials/public-keys', 'credentials.add_key'],
  ['DELETE', '/api/v1/environments/:env/credentials/public-keys/:id', 'credentials.remove_key'],
  ['GET', '/api/v1/environments', 'environment.list'],
  ['POST', '/api/v1/environments', 'environment.create'],
  ['GET', '/api/v1/environments/:env', 'environment.read'],
  ['PATCH', '/api/v1/environments/:env', 'environment.update'],
  ['DELETE', '/api/v1/environments/:env', 'environment.delete'],
  ['GET', '/api/v1/environments/:env/integrations', 'integration.list'],
  ['POST', '/api/v1/environments/:env/integrations', 'integration.create'],
  ['GET', '/api/v1/environments/:env/integrations/:client_id', 'integration.read'],
  ['PATCH', '/api/v1/environments/:env/integrations/:client_id', 'integration.update'],
  ['DELETE', '/api/v1/environments/:env/integrations/:client_id', 'integration.delete'],
  ['POST', '/api/v1/environments/:env/integrations/:client_id/rotate-secret', 'integration.rotate_secret'],
  ['POST', '/api/v1/environments/:env/integrations/:client_id/revoke-tokens', 'integration.revoke_tokens'],
  ['GET', '/api/v1/environments/:env/integrations/:client_id/keys', 'integration.read'],
  ['POST', '/api/v1/environments/:env/integrations/:client_id/keys', 'integration.manage_keys'],
  ['DELETE', '/api/v1/environments/:env/integrations/:client_id/keys/:kid', 'integration.manage_keys'],
  ['GET', '/api/v1/environments/:env/integrations/:client_id/federated-credentials', 'integration.read'],
  [
    'POST',
    '/api/v1/environments/:env/integrations/:client_id/federated-credentials',
    'integration.manage_federated_credentials',
  ],
  [
    'DELETE',
    '/api/v1/environments/:env/integrations/:client_id/federated-credentials/:id',
    'integration.manage_federated_credentials',
  ],
  ['GET', '/api/v1/environments/:env/apis', 'api.list'],
  ['POST', '/api/v1/environments/:env/apis', 'api.create'],
  ['GET', '/api/v1/environments/:env/apis/:api', 'api.read'],
  ['PATCH', '/api/v1/environments/:env/apis/:api', 'api.update'],
  ['DELETE', '/api/v1/environments/:env/apis/:api', 'api.delete'],
  ['GET', '/api/v1/environments/:env/audit', 'audit.read'],
  ['GET', '/api/v1/audit', 'audit.read_server'],
  ['GET', '/api/v1/environments/:env/webhooks', 'webhook.read'],
  ['POST', '/api/v1/environments/:env/webhooks', 'webhook.write'],
  ['GET', '/api/v1/environments/:env/webhooks/:id', 'webhook.read'],
  ['PATCH', '/api/v1/environments/:env/webhooks/:id', 'webhook.write'],
  ['DELETE', '/api/v1/environments/:env/webhooks/:id', 'webhook.write'],
  ['POST', '/api/v1/environments/:env/webhooks/:id/rotate-secret', 'webhook.write'],
  ['POST', '/api/v1/environments/:env/webhooks/:id/test', 'webhook.write'],
  ['GET', '/api/v1/environments/:env/webhooks/:id/deliveries', 'webhook.read'],
  ['POST', '/api/v1/environments/:env/webhooks/:id/deliveries/:delivery/redeliver', 'webhook.write'],
  ['GET', '/api/v1/webhooks', 'webhook.read_server'],
  ['POST', '/api/v1/webhooks', 'webhook.write_server'],
  ['GET', '/api/v1/webhooks/:id', 'webhook.read_server'],
  ['PATCH', '/api/v1/webhooks/:id', 'webhook.write_server'],
  ['DELETE', '/api/v1/webhooks/:id', 'webhook.write_server'],
  ['POST', '/api/v1/webhooks/:id/rotate-secret', 'webhook.write_server'],
  ['POST', '/api/v1/webhooks/:id/test', 'webhook.write_server'],
  ['GET', '/api/v1/webhooks/:id/deliveries', 'webhook.read_server'],
  ['POST', '/api/v1/webhooks/:id/deliveries/:delivery/redeliver', 'webhook.write_server'],
  ['GET', '/api/v1/operators', 'operator.list'],
  ['DELETE', '/api/v1/operators/:id', 'operator.remove'],
  ['PUT', '/api/v1/environments/:env/require-totp', 'environment.require_totp'],
  ['GET', '/api/v1/environments/:env/members', 'member.list'],
  ['PATCH', '/api/v1/environments/:env/members/:account_id', 'member.update_role'],
  ['DELETE', '/api/v1/environments/:env/members/:account_id', 'member.remove'],
  ['GET', '/api/v1/environments/:env/capabilities', 'capabilities.read'],
  ['GET', '/api/v1/me', 'account.read'],
  ['POST', '/api/v1/environments/:env/invitations', 'member.invite'],
  ['GET', '/api/v1/environments/:env/invitations', 'invitation.list'],
  ['DELETE', '/api/v1/environments/:env/invitations/:id', 'invitation.revoke'],
  // The console: opening a session is anonymous by nature; acting as the signed-in account is not.
  ['POST', '/api/v1/session', PUBLIC],
  ['POST', '/api/v1/session/totp', PUBLIC],
  ['POST', '/api/v1/invitations/preview', PUBLIC],
  ['GET', '/api/v1/session', 'session.read'],
  ['DELETE', '/api/v1/session', 'session.delete'],
  ['GET', '/api/v1/profile', 'profile.read'],
  ['POST', '/api/v1/profile/password', 'profile.change_password'],
  ['POST', '/api/v1/profile/totp', 'profile.totp_enroll'],
  ['POST', '/api/v1/profile/totp/confirm', 'profile.totp_confirm'],
  ['POST', '/api/v1/profile/totp/disable', 'profile.totp_disable'],
  ['POST', '/api/v1/profile/recovery-codes', 'profile.recovery_codes'],
  ['POST', '/api/v1/invitations/accept', 'invitation.accept'],
  ['GET', '/api/v1/session/options', PUBLIC],
  ['GET', '/api/v1/session/sso', PUBLIC],
  ['GET', '/api/v1/session/sso/callback', PUBLIC],
  ['GET', '/', PUBLIC],
  ['GET', '/console', PUBLIC],
  ['GET', '/console/', PUBLIC],
  ['GET', '/console/*', PUBLIC],
  ['GET', '/.well-known/jwks.json', PUBLIC],
  ['GET', '/.well-known/oauth-authorization-server', PUBLIC],
  ['GET', '/oauth/authorize', PUBLIC],
  ['GET', '/.well-known/oauth-protected-resource', PUBLIC],
  ['GET', '/healthz', PUBLIC],
  ['GET', '/metrics', PUBLIC],
  ['GET', '/readyz', PUBLIC],
  ['GET', '/docs/static/theme/favicon.svg', PUBLIC],
  ['GET', '/docs', PUBLIC],
  ['GET', '/docs/static/index.html', PUBLIC],
  ['GET', '/docs/static/swagger-initializer.js', PUBLIC],
  ['GET', '/docs/json', PUBLIC],
  ['GET', '/docs/yaml', PUBLIC],
  ['GET', '/docs/static/*', PUBLIC],
];

/** Builds the app on a fresh embedded store and answers its route listing (or the build's error). */
async function build(): Promise<readonly RouteEntry[]> {
  const location = newStoreLocation('sqlite');
  const rt = await createRuntime(testConfig(location));
  try {
    const app = await buildApp(rt, { logLevel: 'silent' });
    const routes = app.routeActions;
    await app.close();
    // The console's icon is served only when the console is built.
    return routes.filter((r) => r.url !== '/favicon.ico');
  } finally {
    await rt.close();
    await location.dispose();
  }
}

/** The markdown table of docs/product.md: the authenticated routes, grouped as registered. */
function markdown(routes: readonly RouteEntry[]): string {
  const rows = routes
    .filter((r) => r.action !== null)
    .map((r) => `| \`${r.method}\` | \`${r.url}\` | \`${r.action}\` |`);
  return ['| method | route | action |', '|---|---|---|', ...rows].join('\n');
}

const PRODUCT_MD = fileURLToPath(new URL('../../../../docs/product.md', import.meta.url));
const BEGIN = '<!-- route-actions:begin (generated by packages/server/test/route-actions.test.ts) -->';
const END = '<!-- route-actions:end -->';

describe('K-103 every route declares its action', () => {
  afterEach(() => {
    rogue.add = undefined;
    rogue.addToConsole = undefined;
  });

  it('K-103 the app lists every route with its method, URL and action, as this table says', async () => {
    const routes = await build();
    expect(routes.map((r) => [r.method, r.url, r.action])).toEqual(EXPECTED);
    // Every route under an authentication hook is a domain action; none of them twice by method and URL.
    expect(new Set(routes.map((r) => `${r.method} ${r.url}`)).size).toBe(routes.length);
  });

  it('K-103 an authenticating route without an action stops the build (the server does not start)', async () => {
    rogue.add = (app) => app.get('/environments/:env/rogue', async () => ({ ok: true }));
    await expect(build()).rejects.toThrow(
      /GET \/api\/v1\/environments\/:env\/rogue authenticates but declares no action/,
    );
  });

  it('K-103 so does one declaring an action that does not exist', async () => {
    rogue.add = (app) =>
      app.post('/environments/:env/rogue', { config: { action: 'everything' as never } }, async () => ({ ok: true }));
    await expect(build()).rejects.toThrow(
      /POST \/api\/v1\/environments\/:env\/rogue authenticates but declares no action/,
    );
  });

  it('K-103 a console route acting as the signed-in account without an action stops the build too', async () => {
    rogue.addToConsole = (app) => app.post('/api/v1/profile/rogue', async () => ({ ok: true }));
    await expect(build()).rejects.toThrow(/POST \/api\/v1\/profile\/rogue authenticates but declares no action/);
  });

  it('K-103 docs/product.md has the route table of this listing', async () => {
    const table = markdown(await build());
    const doc = readFileSync(PRODUCT_MD, 'utf8');
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect(start, `docs/product.md needs the markers ${BEGIN} … ${END}`).toBeGreaterThan(-1);
    const current = doc.slice(start + BEGIN.length, end).trim();
    if (current !== table && process.env.GATEHOUSE_UPDATE_DOCS === '1') {
      writeFileSync(PRODUCT_MD, `${doc.slice(0, start + BEGIN.length)}\n${table}\n${doc.slice(end)}`);
      return;
    }
    expect(current, 'docs/product.md is stale: run this test with GATEHOUSE_UPDATE_DOCS=1').toBe(table);
  });
});
