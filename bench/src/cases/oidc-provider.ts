/**
 * Case (b): node-oidc-provider 9, client_credentials grant, ES256 JWT access tokens — the peer.
 * The request asks for the same eleven scopes an all-permissions Gatehouse integration holds,
 * so the tokens are of comparable size.
 * @packageDocumentation
 */
import { forkServer } from '../child-process.js';
import { requestOk, tokenRequest } from '../http.js';
import { serverEntry } from '../paths.js';
import { ALL_SCOPES, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } from '../servers/fixtures.js';
import type { BenchCase } from '../types.js';

export const oidcProviderCase: BenchCase = {
  id: 'b',
  name: '(b) oidc-provider ES256 JWT',
  async setup() {
    const server = await forkServer(serverEntry('oidc-provider-server.ts'));
    const url = `${server.origin}/token`;
    const request = tokenRequest(OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, { scope: ALL_SCOPES });
    return {
      url,
      method: 'POST',
      ...request,
      pid: server.pid,
      async check() {
        const answer = (await requestOk(url, { method: 'POST', ...request })) as { access_token?: string };
        const header = JSON.parse(
          Buffer.from(answer.access_token?.split('.')[0] ?? '', 'base64url').toString() || '{}',
        );
        if (header.alg !== 'ES256') throw new Error(`expected an ES256 JWT, got ${JSON.stringify(answer)}`);
      },
      teardown: server.stop,
    };
  },
};
