/**
 * docs/security.md section C: the resource server's handling of bearer tokens, over real HTTP.
 * Every refusal must also mean the handler never ran (checked by a project count that never moves).
 */
import { createHmac, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, decodeProtectedHeader, generateKeyPair } from 'jose';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { ISSUER, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request, token } from '@gatehouse/testing/http';
import { claims, raw, signOwn, swapPayload } from '@gatehouse/testing/forge';

describe.each(HTTP_STORE_KINDS)('bearer tokens at the Environment API (%s)', (kind) => {
  let t: TestServer;
  let good: string;
  let client: { client_id: string; client_secret: string };
  const media = () => `${t.url}/api/v1/environments/default/media`;
  const get = (tok: string, url = media()) => request(url, { headers: { authorization: `Bearer ${tok}` } });
  const expectBC = (res: Awaited<ReturnType<typeof get>>) => {
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="gatehouse", error="invalid_token"/);
    expect(res.body.error).toBe('invalid_token');
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    client = await t.integration({ preset: 'read-only' });
    good = String((await token(t.url, client.client_id, client.client_secret)).body.access_token);
  });
  afterAll(() => t.close());

  it('accepts a valid token', async () => {
    expect((await get(good)).status).toBe(200);
  });

  it('C-26 no Authorization header: 401 with a Bearer challenge and no error', async () => {
    const res = await request(media());
    expect(res.status).toBe(401);
    // RFC 9728 §5.1: the challenge names the resource metadata.
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer realm="gatehouse", resource_metadata="${ISSUER}/.well-known/oauth-protected-resource"`,
    );
  });

  it('C-27 lowercase "bearer" scheme is accepted', async () => {
    const res = await request(media(), { headers: { authorization: `bearer ${good}` } });
    expect(res.status).toBe(200);
  });

  it('C-28 token in the header and the query, "Bearer a b", empty token: 400 invalid_request', async () => {
    const both = await request(`${media()}?access_token=${good}`, { headers: { authorization: `Bearer ${good}` } });
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
    const inBody = await request(`${t.url}/api/v1/environments/default/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${good}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', access_token: good }),
    });
    expect([400, 403]).toContain(inBody.status);
    for (const header of ['Bearer a b', 'Bearer ', 'Bearer']) {
      const res = await request(media(), { headers: { authorization: header } });
      expect(res.status, header).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
  });

  it.each(['none', 'None', 'NONE'])('C-29 alg:%s, with the signature empty or present: 401', async (alg) => {
    const payload = claims(t, client.client_id);
    expectBC(await get(raw({ alg, typ: 'at+jwt' }, payload)));
    expectBC(await get(raw({ alg, typ: 'at+jwt' }, payload, good.split('.')[2])));
  });

  it('C-30 HS256 signed with our ES256 public key (PEM or JWK bytes): 401', async () => {
    const jwks = (await request(`${t.url}/.well-known/jwks.json`)).body.keys as Record<string, string>[];
    const jwk = jwks[0]!;
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    for (const secret of [pem, JSON.stringify(jwk)]) {
      const header = { alg: 'HS256', typ: 'at+jwt', kid: jwk.kid };
      const body = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims(t, client.client_id))).toString('base64url')}`;
      const sig = createHmac('sha256', secret).update(body).digest('base64url');
      expectBC(await get(`${body}.${sig}`));
    }
  });

  it('C-31 header alg ES384/RS256/PS256 on our keys: 401', async () => {
    const kid = decodeProtectedHeader(good).kid;
    for (const alg of ['ES384', 'RS256', 'PS256']) {
      const [, p, s] = good.split('.');
      const h = Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid })).toString('base64url');
      expectBC(await get(`${h}.${p}.${s}`));
    }
  });

  it('C-32 hostile kids: 401, and at most one key reload per cooldown', async () => {
    let reloads = 0;
    const keys = t.server.runtime.keys;
    const original = keys.reload.bind(keys);
    keys.reload = async () => {
      reloads++;
      return original();
    };
    try {
      for (const kid of ['../../dev/null', "' OR 1=1--", '0', '{}', 'unknown-kid', 'k'.repeat(10_000)]) {
        const tok = await signOwn(t, claims(t, client.client_id), { kid });
        const res = await get(tok);
        expect(res.status).toBe(401);
      }
      expect(reloads).toBeLessThanOrEqual(1);
    } finally {
      keys.reload = original;
    }
  });

  it('C-33 jku/x5u/jwk/x5c headers: 401, no outbound request', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { exportJWK } = await import('jose');
    const attackerJwk = await exportJWK(publicKey);
    const headers = [
      { jku: 'http://127.0.0.1:1/jwks.json' },
      { x5u: 'http://127.0.0.1:1/cert' },
      { jwk: attackerJwk },
      { x5c: ['MIIB'] },
    ];
    for (const h of headers) {
      const tok = await new SignJWT(claims(t, client.client_id))
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'attacker', ...h } as never)
        .sign(privateKey);
      expectBC(await get(tok));
      expectBC(await get(await signOwn(t, claims(t, client.client_id), h)));
    }
  });

  it.each([[['exp']], [['urn:x']], [[]]])('C-34 crit %j: 401', async (crit) => {
    const [, p, s] = good.split('.');
    const h = Buffer.from(JSON.stringify({ ...decodeProtectedHeader(good), crit })).toString('base64url');
    expectBC(await get(`${h}.${p}.${s}`));
  });

  it('C-35 b64:false with crit [b64]: 401', async () => {
    const [, p, s] = good.split('.');
    const h = Buffer.from(JSON.stringify({ ...decodeProtectedHeader(good), b64: false, crit: ['b64'] })).toString(
      'base64url',
    );
    expectBC(await get(`${h}.${p}.${s}`));
  });

  it('C-36 JWE, JWS JSON, 2 or 4 parts, padding, non-base64url characters: 401', async () => {
    const [h, p, s] = good.split('.');
    const variants = [
      `${h}.${p}.${s}.x.y`,
      JSON.stringify({ payload: p, signatures: [{ protected: h, signature: s }] }).replace(/"/g, ''),
      `${h}.${p}`,
      `${h}.${p}.${s}.x`,
      `${h}=.${p}.${s}`,
      `${h}.${p}.${s}==`,
      `${h}.${p}$.${s}`,
    ];
    for (const v of variants) {
      const res = await request(media(), { headers: { authorization: `Bearer ${v}` } });
      expect([400, 401], v).toContain(res.status);
      if (res.status === 401) expect(res.body.error).toBe('invalid_token');
    }
  });

  it('C-37 payload character flipped, signature truncated or flipped, DER signature: 401', async () => {
    const [h, p, s] = good.split('.') as [string, string, string];
    const flip = (x: string, i: number) => x.slice(0, i) + (x[i] === 'A' ? 'B' : 'A') + x.slice(i + 1);
    expectBC(await get(`${h}.${flip(p, 10)}.${s}`));
    expectBC(await get(`${h}.${p}.${s.slice(0, -4)}`));
    expectBC(await get(`${h}.${p}.${flip(s, 5)}`));
    const rs = Buffer.from(s, 'base64url');
    const der = Buffer.concat([
      Buffer.from([0x30, 0x44, 0x02, 0x20]),
      rs.subarray(0, 32),
      Buffer.from([0x02, 0x20]),
      rs.subarray(32),
    ]);
    expectBC(await get(`${h}.${p}.${der.toString('base64url')}`));
  });

  it('C-38 exp and nbf around the skew; iat in the future; exp as a string or null', async () => {
    const now = t.clock.seconds();
    const skew = t.config.clockSkew;
    const c = (over: Record<string, unknown>) => signOwn(t, claims(t, client.client_id, { iat: now - 100, ...over }));
    expectBC(await get(await c({ exp: now - skew - 1 })));
    expect((await get(await c({ exp: now - skew + 1 }))).status).toBe(200);
    expectBC(await get(await c({ exp: now + 3600, nbf: now + skew + 1 })));
    expectBC(await get(await c({ exp: now + 3600, iat: now + skew + 1 })));
    expectBC(await get(await c({ exp: '9999999999' })));
    expectBC(await get(await c({ exp: null })));
  });

  it('C-39 missing exp, iat or jti; exp − iat beyond the lifetime: 401', async () => {
    for (const drop of ['exp', 'iat', 'jti']) {
      const payload = claims(t, client.client_id);
      delete payload[drop];
      expectBC(await get(await signOwn(t, payload)));
    }
    expectBC(await get(await signOwn(t, claims(t, client.client_id, { exp: 32503680000 }))));
  });

  it('C-40 wrong, missing or array iss; wrong aud, aud [], aud array without us: 401', async () => {
    const variants: Record<string, unknown>[] = [
      { iss: 'https://evil.example' },
      { iss: undefined },
      { iss: ['https://gatehouse.test'] },
      { aud: 'https://other.example' },
      { aud: [] },
      { aud: ['https://other.example'] },
    ];
    for (const v of variants) expectBC(await get(await signOwn(t, claims(t, client.client_id, v))));
  });

  it('C-41 typ other than at+jwt (JWT, a tenant JWT, an ID token): 401', async () => {
    for (const typ of ['JWT', 'jwt', 'id_token+jwt'])
      expectBC(await get(await signOwn(t, claims(t, client.client_id), { typ })));
    expectBC(await get(await signOwn(t, claims(t, client.client_id), { typ: undefined })));
  });

  it('C-42 valid but missing the scope: 403 insufficient_scope naming it', async () => {
    const res = await request(media(), {
      method: 'POST',
      headers: { authorization: `Bearer ${good}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="gatehouse", error="insufficient_scope", scope="media:write"',
    );
    expect(res.body.error).toBe('insufficient_scope');
  });

  it('C-43 duplicate names in header or payload; payload [], null, not JSON: 401', async () => {
    const key = t.server.runtime.keys.signingKey();
    const [h, p, s] = good.split('.') as [string, string, string];
    const headerJson = Buffer.from(h, 'base64url').toString();
    const payloadJson = Buffer.from(p, 'base64url').toString();
    const dupAlgHeader = headerJson.replace('{', '{"alg":"none",');
    const dupAudPayload = payloadJson.replace('{', '{"aud":"https://other.example",');
    expectBC(await get(`${Buffer.from(dupAlgHeader).toString('base64url')}.${p}.${s}`));
    expectBC(await get(swapPayload(good, dupAudPayload)));
    for (const bad of ['[]', 'null', 'not json'])
      expectBC(await get(raw({ alg: 'ES256', typ: 'at+jwt', kid: key.kid }, bad, s)));
  });

  it('C-44 Authorization header of 20 KB: 431; of 8 KB: 401 before any crypto', async () => {
    const big = await request(media(), { headers: { authorization: `Bearer ${'a'.repeat(20 * 1024)}` } });
    expect(big.status).toBe(431);
    const eight = await request(media(), { headers: { authorization: `Bearer ${'a'.repeat(8 * 1024)}` } });
    expect(eight.status).toBe(401);
    expect(eight.body.error).toBe('invalid_token');
  });

  it("a token of one environment on another environment's path: 401", async () => {
    const { createEnvironment } = await import('../src/services/environments.js');
    const { CLI_ACTOR } = await import('../src/context.js');
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, `b-${kind}`);
    const res = await get(good, `${t.url}/api/v1/environments/b-${kind}/media`);
    expectBC(res);
  });

  it('C-28 a token in a JSON body beside the header: 400 invalid_request before the handler runs (RFC 6750 §2)', async () => {
    const writer = await t.integration({ preset: 'all-permissions' });
    const tok = String((await token(t.url, writer.client_id, writer.client_secret)).body.access_token);
    const projects = `${t.url}/api/v1/environments/default/projects`;
    const list = async () => (await request(projects, { headers: { authorization: `Bearer ${tok}` } })).body.items;
    const before = await list();
    const res = await request(projects, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'smuggled', access_token: tok }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'send the token in the Authorization header only',
    });
    expect(await list()).toEqual(before);
  });
});
