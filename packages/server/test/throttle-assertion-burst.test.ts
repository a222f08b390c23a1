/**
 * docs/security.md G-72 for client assertions (private_key_jwt), over real concurrent HTTP on both
 * stores: assertions are verified asynchronously, yet a burst of bad ones for one client from one
 * address is verified at most the window's limit (10) and the rest answer 429, while an honest
 * client's concurrent good assertions all succeed (they wait their turn, none is refused).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { postForm } from '@gatehouse/testing/http';
import { assertion, assertionForm, testKey, type TestKey } from '@gatehouse/testing/assertion';

describe.each(STORE_KINDS)('G-72 client assertion bursts (%s)', (kind) => {
  let t: TestServer;
  let key: TestKey;
  const burst = async (n: number, signer: () => Promise<string>) => {
    const signed = await Promise.all(Array.from({ length: n }, signer));
    const answers = await Promise.all(signed.map((s) => postForm(t.url, assertionForm(s))));
    const count = (status: number) => answers.filter((a) => a.status === status).length;
    return { ok: count(200), unauthorized: count(401), throttled: count(429), answers };
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    key = await testKey('ES256');
  });
  afterAll(() => t.close());

  it('an honest client: 40 concurrent good assertions all get a token', async () => {
    const { client_id: clientId } = await t.integration({
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.jwk] },
    });
    const result = await burst(40, () => assertion(key, clientId, { now: t.clock.seconds() }));
    expect({ ok: result.ok, unauthorized: result.unauthorized, throttled: result.throttled }).toEqual({
      ok: 40,
      unauthorized: 0,
      throttled: 0,
    });
  });

  it('an attacker: 100 concurrent assertions signed with another key → 10 × 401, 90 × 429; the window ends', async () => {
    const { client_id: clientId } = await t.integration({
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.jwk] },
    });
    const attacker = await testKey('ES256', key.jwk.kid);
    const result = await burst(100, () => assertion(attacker, clientId, { now: t.clock.seconds() }));
    expect({ unauthorized: result.unauthorized, throttled: result.throttled }).toEqual({
      unauthorized: 10,
      throttled: 90,
    });
    for (const a of result.answers.filter((x) => x.status === 429))
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
    t.clock.advance(61);
    expect(
      (await postForm(t.url, assertionForm(await assertion(key, clientId, { now: t.clock.seconds() })))).status,
    ).toBe(200);
  });
});
