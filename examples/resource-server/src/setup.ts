/**
 * Registering the invoices API in Gatehouse and an integration allowed to call it, over
 * Gatehouse's management API as a signed-in administrator, for `register.ts` and the tests.
 * @packageDocumentation
 */
import type { AdminSession } from './admin-session.js';
import { INVOICES_AUDIENCE, INVOICES_SCOPES } from './app.js';

const path = (environment: string, rest: string) => `/environments/${encodeURIComponent(environment)}/${rest}`;

/**
 * Registers the invoices API (audience {@link INVOICES_AUDIENCE}, scopes `invoices:read
 * invoices:write`) in `environment` unless it is there already.
 * @returns the API's audience.
 * @throws Error with Gatehouse's answer, e.g. 404 for an unknown environment.
 *
 * @example
 * ```ts
 * await registerInvoicesApi(await signIn(issuer, email, password), 'default');
 * ```
 */
export async function registerInvoicesApi(admin: AdminSession, environment: string, audience = INVOICES_AUDIENCE): Promise<string> {
  const existing = await admin.call<{ items: { audience: string }[] }>('GET', path(environment, 'apis'));
  if (!existing.items.some((api) => api.audience === audience)) {
    await admin.call('POST', path(environment, 'apis'), { name: 'Invoices', audience, scopes: INVOICES_SCOPES.map((s) => ({ ...s })) });
  }
  return audience;
}

/**
 * Creates an integration granted `scopes` on the invoices API (and nothing on the Environment API).
 * @returns its `client_id` and `client_secret` (shown this once).
 * @throws Error with Gatehouse's answer, e.g. 400 for a scope the API doesn't have.
 *
 * @example
 * ```ts
 * const { client_id, client_secret } = await createInvoicesIntegration(admin, 'default', ['invoices:read']);
 * ```
 */
export async function createInvoicesIntegration(
  admin: AdminSession,
  environment: string,
  scopes: readonly string[],
  audience = INVOICES_AUDIENCE,
): Promise<{ client_id: string; client_secret: string }> {
  const created = await admin.call<{ client_id: string; client_secret: string }>('POST', path(environment, 'integrations'), {
    name: `invoices (${scopes.join(' ')})`,
    grants: [{ audience, scopes: [...scopes] }],
  });
  return { client_id: created.client_id, client_secret: created.client_secret };
}
