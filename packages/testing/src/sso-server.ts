/**
 * A test server with console single sign-on against a real OpenID Connect provider
 * ({@link startIdp}): the provider first (it must know Gatehouse's callback), then Gatehouse
 * configured with the provider's issuer and client.
 * @packageDocumentation
 */
import type { ConfigInput } from '@gatehouse/server';
import { startIdp, type IdpAccount, type TestIdp } from './oidc-idp.js';
import { ISSUER, startTestServer, type TestServer } from './server.js';
import type { StoreKind } from './stores.js';

/** A running Gatehouse and its provider; close both. */
export interface SsoTestServer {
  t: TestServer;
  idp: TestIdp;
}

/**
 * Starts a provider knowing `accounts`, then a test server of `kind` whose SSO uses it (`allowHttp`
 * on, the provider's client ID and secret).
 * @param accounts - login name at the provider → the claims it asserts.
 * @param opts.sso - more SSO settings (e.g. `allowedDomains`, `name`).
 * @param opts.config - more server settings; its `issuer` (default {@link ISSUER}) makes the callback URL the provider allows.
 */
export async function startWithIdp(
  kind: StoreKind,
  accounts: Record<string, IdpAccount>,
  opts: { sso?: ConfigInput['sso']; config?: ConfigInput } = {},
): Promise<SsoTestServer> {
  const idp = await startIdp([`${opts.config?.issuer ?? ISSUER}/api/v1/session/sso/callback`], accounts);
  try {
    const t = await startTestServer(kind, {
      config: {
        ...opts.config,
        sso: {
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          allowHttp: true,
          ...opts.sso,
        },
      },
    });
    return { t, idp };
  } catch (err) {
    await idp.close();
    throw err;
  }
}
