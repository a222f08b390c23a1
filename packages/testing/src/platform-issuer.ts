/**
 * A Kubernetes-shaped platform issuer for federated-credential tests (issue #26): a plain-http
 * server on 127.0.0.1 serving `/.well-known/openid-configuration` and `/openid/v1/jwks` as a
 * cluster's API server does (service-account issuer discovery), and signing projected
 * service-account tokens with the real claim layout (`kubernetes.io` object). Allow its `host`
 * with `GATEHOUSE_JWKS_URI_ALLOWED_HOSTS`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { testKey, type TestKey } from './assertion.js';

/** A running issuer. */
export interface PlatformIssuer {
  /** `http://127.0.0.1:PORT` — the `iss` of its tokens. */
  issuer: string;
  /** `127.0.0.1:PORT`, for `GATEHOUSE_JWKS_URI_ALLOWED_HOSTS`. */
  host: string;
  /** Its JWKS URL. */
  jwksUri: string;
  /** Requests per path. */
  hits: Record<string, number>;
  /** The keys published, newest last; the newest signs. */
  keys: TestKey[];
  /** A token with `claims` over the defaults (`iss`, `sub`, `aud`, `iat`, `exp` = iat + 3600). `null` removes a claim. */
  sign(claims: Record<string, unknown>, opts?: { key?: TestKey; header?: Record<string, unknown> }): Promise<string>;
  /** A Kubernetes projected service-account token for `namespace`/`name`. `now` in seconds. */
  serviceAccountToken(namespace: string, name: string, audience: string, now: number): Promise<string>;
  /** Adds a new key (published, signing from now); `dropOld` removes the others from the JWKS. */
  rotate(dropOld?: boolean): Promise<TestKey>;
  close(): Promise<void>;
}

/**
 * Starts an issuer with one ES256 key (`alg` another JWS algorithm for RSA/EdDSA). `publishAlg:
 * false` leaves `alg` out of the published JWKS, as some issuers do.
 */
export async function startPlatformIssuer(alg = 'ES256', opts: { publishAlg?: boolean } = {}): Promise<PlatformIssuer> {
  const keys: TestKey[] = [await testKey(alg)];
  const hits: Record<string, number> = {};
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    hits[path] = (hits[path] ?? 0) + 1;
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/.well-known/openid-configuration')
      return json({
        issuer,
        jwks_uri: `${issuer}/openid/v1/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [alg],
      });
    if (path === '/openid/v1/jwks')
      return json({
        keys: keys.map(({ jwk: { alg: published, ...rest } }) => ({
          ...rest,
          ...(opts.publishAlg !== false && { alg: published }),
          use: 'sig',
        })),
      });
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  issuer = `http://127.0.0.1:${port}`;
  const sign: PlatformIssuer['sign'] = (claims, opts = {}) => {
    const key = opts.key ?? keys[keys.length - 1]!;
    const iat = typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000);
    const all: Record<string, unknown> = { iss: issuer, iat, exp: iat + 3600, jti: randomUUID(), ...claims };
    for (const [k, v] of Object.entries(all)) if (v === null) delete all[k];
    return new SignJWT(all).setProtectedHeader({ alg: key.alg, kid: key.jwk.kid, ...opts.header }).sign(key.privateKey);
  };
  return {
    issuer,
    host: `127.0.0.1:${port}`,
    jwksUri: `${issuer}/openid/v1/jwks`,
    hits,
    keys,
    sign,
    serviceAccountToken(namespace, name, audience, now) {
      return sign({
        sub: `system:serviceaccount:${namespace}:${name}`,
        aud: [audience],
        iat: now,
        nbf: now,
        exp: now + 3600,
        'kubernetes.io': {
          namespace,
          serviceaccount: { name, uid: randomUUID() },
          pod: { name: `${name}-7d4b9c-x2x9z`, uid: randomUUID() },
        },
      });
    },
    async rotate(dropOld = false) {
      const key = await testKey(alg);
      if (dropOld) keys.splice(0, keys.length);
      keys.push(key);
      return key;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
