/**
 * Child-process entry of case (b): node-oidc-provider 9 issuing ES256 JWT access tokens through
 * the client_credentials grant (in-memory adapter). The peer Gatehouse is compared with.
 * @packageDocumentation
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { announceReady } from '../child-process.js';
import { ALL_SCOPES, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_RESOURCE } from './fixtures.js';

/** Builds the provider for `issuer` with a fresh P-256 signing key. */
function createProvider(issuer: string): Provider {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' };
  return new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: ALL_SCOPES,
        // Only an EC key is configured; the default RS256 would fail client validation.
        id_token_signed_response_alg: 'ES256',
      },
    ],
    jwks: { keys: [jwk] },
    scopes: ALL_SCOPES.split(' '),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => OIDC_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: ALL_SCOPES,
          audience: OIDC_RESOURCE,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
}

let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
const server = createServer((req, res) => handle(req, res));
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const provider = createProvider(`http://127.0.0.1:${port}`);
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider server_error', error));
  handle = provider.callback();
  announceReady(port);
});
