/**
 * Case (l): Gatehouse token endpoint, reused tokens, for an integration authenticating with a
 * federated credential (issue #26): the same platform token — a Kubernetes-shaped service-account
 * token from a small issuer in the load generator's process — as `client_assertion` on every
 * request, as a workload presents its projected token until the kubelet rewrites it. The server
 * looks the credential up by (`iss`, `sub`), verifies the signature with the issuer's cached JWKS
 * and hands out the still-fresh token again. Compare with (c) (a secret) and (j) (private_key_jwt).
 * @packageDocumentation
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { gatehouseTarget, type GatehouseFixture, type GatehouseTargetSpec } from '../gatehouse/fixture.js';
import { gatehouseCli } from '../gatehouse/cli.js';
import { es256Key, signEs256, type SigningKey } from '../gatehouse/jwt-signer.js';
import { reusedTokenPost } from '../gatehouse/reused-token-post.js';
import type { BenchCase } from '../types.js';
import { issuerOf } from './gatehouse-private-key-jwt.js';

const SUBJECT = 'system:serviceaccount:bench:load';

/** A Kubernetes-shaped issuer on 127.0.0.1 (discovery + `/openid/v1/jwks`), not keeping the process alive. */
async function startIssuer(key: SigningKey): Promise<{ issuer: string; host: string }> {
  let issuer = '';
  const server = createServer((req, res) => {
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/openid-configuration') return json({ issuer, jwks_uri: `${issuer}/openid/v1/jwks` });
    if (req.url === '/openid/v1/jwks') return json({ keys: [{ ...key.jwk, use: 'sig' }] });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `http://${host}`;
  return { issuer, host };
}

/** The load of case (l): one platform token as the client assertion, repeated. */
export async function federatedLoad(fixture: GatehouseFixture): Promise<GatehouseTargetSpec> {
  const key = es256Key('bench-platform-1');
  const { issuer, host } = await startIssuer(key);
  // The CLI and the restarted server read it from the environment they inherit.
  process.env.GATEHOUSE_JWKS_URI_ALLOWED_HOSTS = host;
  await gatehouseCli(
    [
      'integration',
      'add-federated-credential',
      fixture.admin.client_id,
      '--issuer',
      issuer,
      '--subject',
      SUBJECT,
      '--json',
    ],
    fixture.dataDir,
  );
  await fixture.restart();
  const now = Math.floor(Date.now() / 1000);
  const token = signEs256(
    key,
    { kid: key.jwk.kid, typ: 'JWT' },
    { iss: issuer, sub: SUBJECT, aud: [await issuerOf(fixture)], iat: now, exp: now + 3600, jti: randomUUID() },
  );
  return reusedTokenPost(
    fixture.tokenUrl(),
    {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: token,
    },
    'requests',
    'one ES256 platform token (Kubernetes-shaped issuer, JWKS cached) as client_assertion, no client_id',
  );
}

export const gatehouseFederatedCase: BenchCase = {
  id: 'l',
  name: '(l) Gatehouse token, federated assertion, reused',
  setup: () => gatehouseTarget(federatedLoad),
};
