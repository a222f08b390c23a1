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
 * @throws Error with Gatehouse's answer, e.g. 404 for an unknown environment; Error naming the
 *   missing scopes (and the command that adds them) when the API is registered already without all of them.
 *
 * @example
 * ```ts
 * await registerInvoicesApi(await signIn(issuer, email, password), 'default');
 * ```
 */
export async function registerInvoicesApi(
  admin: AdminSession,
  environment: string,
  audience = INVOICES_AUDIENCE,
): Promise<string> {
  const listed = await admin.call<{ items: { audience: string; scopes: { value: string }[] }[] }>(
    'GET',
    path(environment, 'apis'),
  );
  const existing = listed.items.find((api) => api.audience === audience);
  if (!existing) {
    await admin.call('POST', path(environment, 'apis'), {
      name: 'Invoices',
      audience,
      scopes: INVOICES_SCOPES.map((s) => ({ ...s })),
    });
  } else {
    // Registered before (perhaps by hand, with other scopes): say what is missing and how to add it.
    const missing = INVOICES_SCOPES.map((s) => s.value).filter((v) => !existing.scopes.some((s) => s.value === v));
    if (missing.length) {
      throw new Error(
        `the API ${audience} is registered without the scope(s) ${missing.join(' ')}; add them with: gatehouse api update ${audience} --env ${environment} ${missing.map((m) => `--add-scope ${m}`).join(' ')}`,
      );
    }
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
  const created = await admin.call<{ client_id: string; client_secret: string }>(
    'POST',
    path(environment, 'integrations'),
    {
      name: `invoices (${scopes.join(' ')})`,
      grants: [{ audience, scopes: [...scopes] }],
    },
  );
  return { client_id: created.client_id, client_secret: created.client_secret };
}
