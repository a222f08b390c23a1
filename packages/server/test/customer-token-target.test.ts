/**
 * docs/security.md H-81: a customer token must be meant for this environment. An `aud`, when present,
 * must name the environment key or the Environment API audience (RFC 7519 §4.1.3: refused when we
 * are not among the audiences); a `typ`, when present, must be `JWT` (case-insensitive, optional
 * `application/` prefix, RFC 7515 §4.1.9). Everything else is 401 `invalid_token` and records no customer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { SignJWT } from 'jose';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironmentSecret } from '../src/services/credentials.js';
import { createEnvironment } from '../src/services/environments.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { ISSUER, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request } from '@gatehouse/testing/http';

describe.each(HTTP_STORE_KINDS)('H-81 customer token audience and type (%s)', (kind) => {
  let t: TestServer;
  let key: string;
  let secret: string;
  const now = () => t.clock.seconds();
  const self = (tok: string) => request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tok}` } });
  const signed = (claims: object, typ?: unknown) =>
    new SignJWT({ iat: now(), exp: now() + 600, ...claims })
      .setProtectedHeader({ alg: 'HS256', ...(typ !== undefined && { typ: typ as string }) })
      .setIssuer(key)
      .sign(Buffer.from(secret));
  const customerIds = async () => (await stored(t).customerIds()).map((r) => r.id);

  beforeAll(async () => {
    t = await startTestServer(kind);
    const created = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, 'default');
    key = created.environment_key;
    secret = created.environment_secret;
  });
  afterAll(() => t.close());

  it('H-81 no aud, the environment key, the Environment API audience, or an array that names us: 200', async () => {
    expect(t.config.audience).toBe(ISSUER);
    const auds: (string | string[] | undefined)[] = [undefined, key, ISSUER, ['https://other.example', key], [ISSUER]];
    for (const [i, aud] of auds.entries()) {
      const res = await self(await signed({ id: `ok-${i}`, ...(aud !== undefined && { aud }) }));
      expect(res.status, JSON.stringify(aud)).toBe(200);
      expect(res.body.id).toBe(`ok-${i}`);
    }
    expect((await self(await signed({ isAdmin: true, aud: key }))).body.type).toBe('admin');
  });

  it('H-81 an aud of another relying party, another environment, [] or not strings: 401, no customer recorded', async () => {
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, `other-${kind}`);
    const other = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, `other-${kind}`);
    const auds: unknown[] = [
      'https://other-rp.example',
      other.environment_key,
      `${ISSUER}/`,
      [],
      ['https://a.example', 'https://b.example'],
      42,
      [key, 42],
      { aud: key },
      null,
    ];
    for (const [i, aud] of auds.entries()) {
      const res = await self(await signed({ id: `bad-aud-${i}`, aud }));
      expect(res.status, JSON.stringify(aud)).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    expect((await self(await signed({ isAdmin: true, aud: 'https://other-rp.example' }))).status).toBe(401);
    expect((await customerIds()).filter((id) => id.startsWith('bad-aud'))).toEqual([]);
  });

  it('H-81 typ JWT in any case, application/jwt or none: 200; at+jwt, an ID token type, JOSE or a non-string: 401', async () => {
    for (const typ of [undefined, 'JWT', 'jwt', 'application/jwt', 'Application/JWT']) {
      expect((await self(await signed({ id: 'typ-ok' }, typ))).status, String(typ)).toBe(200);
    }
    for (const [i, typ] of ['at+jwt', 'application/at+jwt', 'id_token+jwt', 'JOSE', 'logout+jwt', '', 7].entries()) {
      const res = await self(await signed({ id: `bad-typ-${i}` }, typ));
      expect(res.status, String(typ)).toBe(401);
    }
    expect((await customerIds()).filter((id) => id.startsWith('bad-typ'))).toEqual([]);
  });

  it('H-81 an ID token shaped token (aud = a client id, nonce, auth_time) signed with the environment secret: 401', async () => {
    const idToken = jwt.sign(
      {
        id: 'id-token-user',
        sub: 'user-1',
        aud: 'client-123',
        nonce: 'n-0S6',
        auth_time: now(),
        iat: now(),
        exp: now() + 600,
      },
      secret,
      { issuer: key, header: { alg: 'HS256', typ: 'JWT' } },
    );
    expect((await self(idToken)).status).toBe(401);
    expect(await customerIds()).not.toContain('id-token-user');
  });
});
