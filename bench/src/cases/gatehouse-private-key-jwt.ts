/**
 * Case (j): Gatehouse token endpoint, reused tokens, for a key-only integration authenticating with
 * `private_key_jwt` (RFC 7523 §2.2): every request carries a fresh ES256 client assertion (its own
 * `jti`, which the server records as used), and the still-fresh token is handed out again.
 * Compare with (c), the same with `client_secret_basic`.
 * @packageDocumentation
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENV, gatehouseTarget, type GatehouseFixture, type GatehouseTargetSpec } from '../gatehouse/fixture.js';
import { gatehouseCli } from '../gatehouse/cli.js';
import { clientAssertion, es256Key, type SigningKey } from '../gatehouse/jwt-signer.js';
import { requestOk } from '../http.js';
import type { BenchCase, LoadRequest } from '../types.js';

/** RFC 7521 §4.2 `client_assertion_type` of a JWT assertion. */
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The `issuer` of the server's authorization server metadata (RFC 8414 §2): what `aud` must name. */
export async function issuerOf(fixture: GatehouseFixture): Promise<string> {
  const metadata = (await requestOk(`${fixture.server.origin}/.well-known/oauth-authorization-server`, {
    method: 'GET',
  })) as { issuer?: unknown };
  if (typeof metadata.issuer !== 'string') throw new Error('authorization server metadata without issuer');
  return metadata.issuer;
}

/**
 * Mean time to sign one JWT with `sign`, microseconds: the load generator's extra work per
 * request, on the same cores as the server (reported in the case's note).
 */
export function signingMicros(sign: () => string, count = 2000): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) sign();
  return Number(process.hrtime.bigint() - started) / 1000 / count;
}

/** Creates a key-only, all-permissions integration for `key` through the CLI; returns its client_id. */
async function createKeyOnlyIntegration(fixture: GatehouseFixture, key: SigningKey): Promise<string> {
  const jwksFile = join(fixture.dataDir, 'bench-client-jwks.json');
  await writeFile(jwksFile, JSON.stringify({ keys: [key.jwk] }));
  const created = (await gatehouseCli(
    [
      'integration',
      'create',
      '--env',
      ENV,
      '--name',
      'bench-private-key-jwt',
      '--preset',
      'all-permissions',
      '--auth-method',
      'private_key_jwt',
      '--jwks-file',
      jwksFile,
      '--json',
    ],
    fixture.dataDir,
  )) as { client_id?: unknown; client_secret?: unknown };
  if (typeof created.client_id !== 'string' || created.client_secret !== undefined)
    throw new Error(
      `integration create: expected a key-only integration, got ${JSON.stringify(created).slice(0, 200)}`,
    );
  return created.client_id;
}

/** The load of case (j): token requests of the key-only integration, each with a new assertion. */
export async function privateKeyJwtLoad(fixture: GatehouseFixture): Promise<GatehouseTargetSpec> {
  const key = es256Key('bench-key-1');
  const clientId = await createKeyOnlyIntegration(fixture, key);
  await fixture.restart();
  const issuer = await issuerOf(fixture);
  const form = () =>
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER,
      client_assertion: clientAssertion(key, clientId, issuer),
    }).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const request: LoadRequest = {
    method: 'POST',
    path: '/oauth/token',
    headers,
    setupRequest: (r) => ({ ...r, body: form() }),
  };
  const url = fixture.tokenUrl();
  return {
    url,
    method: 'POST',
    headers,
    requests: [request],
    async check() {
      const tokens = [];
      for (let i = 0; i < 2; i++)
        tokens.push(
          ((await requestOk(url, { method: 'POST', headers, body: form() })) as { access_token?: unknown })
            .access_token,
        );
      if (typeof tokens[0] !== 'string') throw new Error('no access_token for a private_key_jwt request');
      if (tokens[0] !== tokens[1]) throw new Error('two consecutive requests got different tokens: reuse looks off');
      return `a fresh ES256 assertion per request, signed by the load generator (${signingMicros(() => clientAssertion(key, clientId, issuer)).toFixed(0)} µs each, same cores)`;
    },
  };
}

export const gatehousePrivateKeyJwtCase: BenchCase = {
  id: 'j',
  name: '(j) Gatehouse token, private_key_jwt, reused',
  setup: () => gatehouseTarget(privateKeyJwtLoad),
};
