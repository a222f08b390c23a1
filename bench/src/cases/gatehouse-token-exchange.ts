/**
 * Case (m): Gatehouse token exchange (RFC 8693), reused: the all-permissions integration, with
 * token exchange turned on by the CLI, exchanges its own access token down to two read scopes,
 * again and again; after the first request the same exchanged token is handed out (reuse per
 * client, subject token, audience and scopes). Compare with (c): the difference is the subject
 * token's checks (signature, store row, revocation) on every request.
 * @packageDocumentation
 */
import { gatehouseTarget, type GatehouseFixture, type GatehouseTargetSpec } from '../gatehouse/fixture.js';
import { gatehouseCli } from '../gatehouse/cli.js';
import { basicAuth, requestOk, tokenRequest } from '../http.js';
import type { BenchCase } from '../types.js';
import { reusedTokenPost } from '../gatehouse/reused-token-post.js';

/** The load of case (m): one exchange request of the integration's own token, repeated. */
export async function tokenExchangeLoad(fixture: GatehouseFixture): Promise<GatehouseTargetSpec> {
  const { client_id: clientId, client_secret: clientSecret } = fixture.admin;
  await gatehouseCli(['integration', 'set', clientId, '--token-exchange', 'on'], fixture.dataDir);
  await fixture.restart();
  const url = fixture.tokenUrl();
  const own = (await requestOk(url, { method: 'POST', ...tokenRequest(clientId, clientSecret) })) as {
    access_token?: unknown;
  };
  return reusedTokenPost(
    url,
    {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: String(own.access_token),
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      scope: 'projects:read media:read',
    },
    'exchanges',
    'the integration exchanges its own token for projects:read media:read',
    { authorization: basicAuth(clientId, clientSecret) },
  );
}

export const gatehouseTokenExchangeCase: BenchCase = {
  id: 'm',
  name: '(m) Gatehouse token exchange, reused',
  setup: () => gatehouseTarget(tokenExchangeLoad),
};
