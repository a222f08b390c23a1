/**
 * Registering the invoices API in Gatehouse and an integration allowed to call it, through the
 * server's services (what the CLI does), for `register.ts` and the tests.
 * @packageDocumentation
 */
import { apis, CLI_ACTOR, integrations, type Context } from '@gatehouse/server';
import { INVOICES_AUDIENCE, INVOICES_SCOPES } from './app.js';

/**
 * Registers the invoices API (audience {@link INVOICES_AUDIENCE}, scopes `invoices:read
 * invoices:write`) in `environment` unless it is there already.
 * @returns the API's audience.
 * @throws the server's `NotFound` for an unknown environment; Error naming the missing scopes when
 *   the API is registered already without all of them.
 *
 * @example
 * ```ts
 * await registerInvoicesApi(ctx, 'default');
 * ```
 */
export async function registerInvoicesApi(ctx: Context, environment: string, audience = INVOICES_AUDIENCE): Promise<string> {
  const existing = (await apis.listApis(ctx, environment)).find((api) => api.audience === audience);
  if (!existing) {
    await apis.createApi(ctx, CLI_ACTOR, environment, { name: 'Invoices', audience, scopes: INVOICES_SCOPES.map((s) => ({ ...s })) });
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
 *
 * @example
 * ```ts
 * const { client_id, client_secret } = await createInvoicesIntegration(ctx, 'default', ['invoices:read']);
 * ```
 */
export async function createInvoicesIntegration(
  ctx: Context,
  environment: string,
  scopes: readonly string[],
  audience = INVOICES_AUDIENCE,
): Promise<{ client_id: string; client_secret: string }> {
  const created = await integrations.createIntegration(ctx, CLI_ACTOR, environment, {
    name: `invoices (${scopes.join(' ')})`,
    grants: [{ audience, scopes: [...scopes] }],
  });
  return { client_id: created.client_id, client_secret: created.client_secret };
}
