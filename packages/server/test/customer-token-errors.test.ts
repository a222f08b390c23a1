/**
 * Issue #19 item 4: every customer-token failure answers 401 `invalid_token` with a specific
 * `error_description`, in the body and in the RFC 6750 §3 `WWW-Authenticate` challenge, that
 * names what is wrong and never echoes a claim's value or a secret (SECURITY.md F-61).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { SignJWT, type JWTPayload } from 'jose';
import { CLI_ACTOR } from '../src/context.js';
import { addPublicKey, createEnvironmentSecret } from '../src/services/credentials.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request } from '@gatehouse/testing/http';

describe.each(HTTP_STORE_KINDS)('specific customer-token errors (%s)', (kind) => {
  let t: TestServer;
  let key: string;
  let secret: string;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }) as string;
  const now = () => t.clock.seconds();
  const self = (tok: string) => request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tok}` } });
  const hs = (claims: object, opts: jwt.SignOptions = {}, s = secret) =>
    jwt.sign({ iat: now(), exp: now() + 600, ...claims }, s, { algorithm: 'HS256', issuer: key, ...opts });
  const raw = (payload: object, s = secret) =>
    new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(s));

  beforeAll(async () => {
    t = await startTestServer(kind);
    const creds = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, 'default');
    key = creds.environment_key;
    secret = creds.environment_secret;
    await addPublicKey(t.server.runtime.ctx, CLI_ACTOR, 'default', {
      alg: 'ES256',
      key: pem(ec.publicKey),
      kid: 'ec-1',
    });
    await settle(t);
  });
  afterAll(() => t.close());

  it('each failure gets its own description, in the body and the WWW-Authenticate challenge, without claim values', async () => {
    const cases: [string, () => string | Promise<string>, RegExp][] = [
      ['missing exp', () => raw({ iss: key, iat: now(), id: 'cust-1' }), /no exp claim/],
      [
        'exp as a string',
        () => raw({ iss: key, iat: now(), exp: String(now() + 60), id: 'cust-1' }),
        /exp must be a number/,
      ],
      ['sub instead of id', () => hs({ sub: 'value-of-sub-77' }), /named by the id claim, not sub/],
      ['no id at all', () => hs({ name: 'Ann' }), /no id claim/],
      ['numeric id', () => hs({ id: 987654321 }), /id must be a string, not a number/],
      [
        'fields an array',
        () => hs({ id: 'c', fields: ['secret-field-value'] }),
        /fields must be a JSON object, not an array/,
      ],
      ['expired', () => hs({ id: 'c', iat: now() - 7200, exp: now() - 3600 }), /the token expired/],
      ['not yet valid', () => hs({ id: 'c', nbf: now() + 3600 }), /not yet valid/],
      ['iat in the future', () => hs({ id: 'c', iat: now() + 3600, exp: now() + 3700 }), /iat is in the future/],
      ['bad signature', () => hs({ id: 'c' }, {}, 'another-secret-that-is-long-enough-0123456789'), /bad signature/],
      [
        'unknown kid',
        () =>
          jwt.sign({ iat: now(), exp: now() + 600, id: 'c' }, ec.privateKey, {
            algorithm: 'ES256',
            issuer: key,
            keyid: 'kid-unknown-42',
          }),
        /unknown kid/,
      ],
      [
        'wrong alg',
        () => jwt.sign({ iat: now(), exp: now() + 600, id: 'c' }, p384.privateKey, { algorithm: 'ES384', issuer: key }),
        /alg not accepted: .*ES256/,
      ],
      [
        'unknown issuer',
        () => raw({ iss: 'env_not-a-key-555', iat: now(), exp: now() + 60, id: 'c' }),
        /unknown issuer/,
      ],
      ['no issuer', () => raw({ iat: now(), exp: now() + 60, id: 'c' }), /no iss claim/],
      ['wrong aud', () => hs({ id: 'c', aud: 'https://elsewhere.example' }), /another audience/],
      [
        'wrong typ',
        () =>
          jwt.sign({ iat: now(), exp: now() + 600, id: 'c' }, secret, {
            algorithm: 'HS256',
            issuer: key,
            header: { alg: 'HS256', typ: 'at+jwt' },
          }),
        /typ JWT/,
      ],
      ['not a JWT', () => 'abc.def', /malformed/],
    ];
    const seen = new Set<string>();
    for (const [name, make, expected] of cases) {
      const res = await self(await make());
      expect(res.status, name).toBe(401);
      expect(res.body.error, name).toBe('invalid_token');
      const description = String(res.body.error_description);
      expect(description, name).toMatch(expected);
      expect(res.headers.get('www-authenticate'), name).toContain(
        `error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`,
      );
      for (const value of [
        'value-of-sub-77',
        '987654321',
        'secret-field-value',
        'kid-unknown-42',
        'env_not-a-key-555',
        'elsewhere',
        secret,
      ])
        expect(description, name).not.toContain(value);
      seen.add(description);
    }
    // Specific: no two failures share a description (the old answer was one message for all).
    expect(seen.size).toBe(cases.length);
  });

  it('a good customer token still passes', async () => {
    const res = await self(hs({ id: 'cust-ok' }));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe('cust-ok');
  });
});
