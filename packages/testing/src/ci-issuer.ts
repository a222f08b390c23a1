/**
 * An external issuer standing in for a CI platform (issue #26 interop): node-oidc-provider 9 on an
 * ephemeral port, publishing discovery and JWKS as any OpenID provider does, and signing JWT access
 * tokens (RFC 9068) for its client `ci-runner` with the client_credentials grant — a token whose
 * `iss` is the provider, `sub` the runner and `aud` the Gatehouse issuer, as a CI job's OIDC token is.
 */
// oidc-provider 9 ships no types; the bench workspace declares the little of it used here.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- a file of ambient module declarations cannot be imported
/// <reference path="../../../bench/src/types/vendor.d.ts" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/** A running CI issuer. */
export interface CiIssuer {
  issuer: string;
  /** `127.0.0.1:PORT`, for `GATEHOUSE_JWKS_URI_ALLOWED_HOSTS`. */
  host: string;
  /** The `sub` of its tokens. */
  subject: string;
  /** A JWT access token signed by the provider (ES256), `aud` = `audience`, valid 10 minutes. */
  token(): Promise<string>;
  close(): Promise<void>;
}

/** Starts a provider whose tokens are for `audience` (the Gatehouse issuer identifier; a function when known later). */
export async function startCiIssuer(aud: string | (() => string)): Promise<CiIssuer> {
  const audience = () => (typeof aud === 'string' ? aud : aud());
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'ci-es256', alg: 'ES256', use: 'sig' };
  let handle: Parameters<typeof createServer>[1] = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer((req, res) => handle!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const secret = 'a-client-secret-of-the-ci-provider';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'ci-runner',
        client_secret: secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [jwk] },
    features: {
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience(),
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'deploy',
          audience: audience(),
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  handle = provider.callback();
  return {
    issuer,
    host: `127.0.0.1:${port}`,
    subject: 'ci-runner',
    async token() {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`ci-runner:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: audience(), scope: 'deploy' }),
      });
      const body = (await res.json()) as { access_token?: string };
      if (!res.ok || !body.access_token)
        throw new Error(`the CI issuer answered ${res.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
