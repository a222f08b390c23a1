/**
 * Case (k): Gatehouse token endpoint, reused DPoP-bound tokens (RFC 9449): the all-permissions
 * integration authenticates with its secret as in (c), and every request carries a fresh DPoP
 * proof (its own `jti`, which the server records as used) of one proof key; the token bound to
 * that key (`token_type: DPoP`, `cnf.jkt`) is handed out again. Compare with (c).
 * @packageDocumentation
 */
import { gatehouseTarget, type GatehouseFixture, type GatehouseTargetSpec } from '../gatehouse/fixture.js';
import { dpopProof, es256Key } from '../gatehouse/jwt-signer.js';
import { requestOk, tokenRequest } from '../http.js';
import type { BenchCase, LoadRequest } from '../types.js';
import { issuerOf, signingMicros } from './gatehouse-private-key-jwt.js';

/** The load of case (k): the integration's token request with a new DPoP proof each time. */
export async function dpopTokenLoad(fixture: GatehouseFixture): Promise<GatehouseTargetSpec> {
  const key = es256Key();
  // htu names the token endpoint as the server sees it: the issuer's origin and the path (RFC 9449 §4.3).
  const htu = `${new URL(await issuerOf(fixture)).origin}/oauth/token`;
  const { headers, body } = tokenRequest(fixture.admin.client_id, fixture.admin.client_secret);
  const withProof = () => ({ ...headers, dpop: dpopProof(key, 'POST', htu) });
  const request: LoadRequest = {
    method: 'POST',
    path: '/oauth/token',
    headers,
    body,
    setupRequest: (r) => ({ ...r, headers: withProof() }),
  };
  const url = fixture.tokenUrl();
  return {
    url,
    method: 'POST',
    headers,
    requests: [request],
    async check() {
      const answers = [];
      for (let i = 0; i < 2; i++)
        answers.push(
          (await requestOk(url, { method: 'POST', headers: withProof(), body })) as {
            access_token?: unknown;
            token_type?: unknown;
          },
        );
      if (answers[0]?.token_type !== 'DPoP')
        throw new Error(`expected token_type DPoP, got ${JSON.stringify(answers[0]?.token_type)}`);
      if (answers[0].access_token !== answers[1]?.access_token)
        throw new Error('two consecutive requests with the same proof key got different tokens: reuse looks off');
      return `a fresh ES256 DPoP proof per request, signed by the load generator (${signingMicros(() => dpopProof(key, 'POST', htu)).toFixed(0)} µs each, same cores)`;
    },
  };
}

export const gatehouseDpopTokenCase: BenchCase = {
  id: 'k',
  name: '(k) Gatehouse token, DPoP-bound, reused',
  setup: () => gatehouseTarget(dpopTokenLoad),
};
