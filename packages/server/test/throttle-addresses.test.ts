/**
 * docs/security.md G-73: someone else's failures never lock an honest client out. Windows count a
 * client_id or email per source address (an IPv6 /64 is one address), the address alone, and a
 * much higher ceiling per client_id or email across addresses. A 429 is RFC 6749 §5.2-shaped,
 * with `Retry-After` and no device-flow `slow_down`.
 */
import { describe, expect, it } from 'vitest';
import { LocalWindows } from '../src/throttle/local-windows.js';
import { storeFailureCounter } from '../src/throttle/store-failure-counter.js';
import { sourceAddress } from '../src/throttle/throttle-key.js';
import { Throttle, type ThrottlePolicy } from '../src/throttle/throttle.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { type TestServer } from '@gatehouse/testing/server';
import { signInFrom, tokenFrom } from '@gatehouse/testing/from-address';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './management-helpers.js';
import { testsOn } from './fixtures.js';

const on = testsOn(STORE_KINDS);

describe.each(STORE_KINDS)('G-73 throttling per source address (%s)', (kind) => {
  const it = on(kind);
  let t: TestServer;
  it.beforeAll(async ({ t: server, administrator: _created }) => {
    t = server;
  });

  it("G-73 10 failures for client X from 127.0.0.2, then X's right secret from 127.0.0.3: 200; the 429 has Retry-After and a §5.2 body", async () => {
    const x = await t.integration({ preset: 'read-only' });
    for (let i = 0; i < 10; i++)
      expect((await tokenFrom('127.0.0.2', t.url, x.client_id, `wrong-${i}`)).status).toBe(401);
    const refused = await tokenFrom('127.0.0.2', t.url, x.client_id, 'wrong-again');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect(refused.text).not.toContain('slow_down');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await tokenFrom('127.0.0.3', t.url, x.client_id, x.client_secret)).status).toBe(200);
    // The attacker's own address stays refused, even with the right secret, until the window ends.
    expect((await tokenFrom('127.0.0.2', t.url, x.client_id, x.client_secret)).status).toBe(429);
    t.clock.advance(61);
    expect((await tokenFrom('127.0.0.2', t.url, x.client_id, x.client_secret)).status).toBe(200);
  });

  it('G-73 5 wrong passwords for an email from 127.0.0.2, then its right password from 127.0.0.3: 200; the 429 has Retry-After', async () => {
    for (let i = 0; i < 5; i++)
      expect((await signInFrom('127.0.0.2', t.url, ADMIN_EMAIL, `wrong password ${i}`)).status).toBe(401);
    const refused = await signInFrom('127.0.0.2', t.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signInFrom('127.0.0.3', t.url, ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  });

  it('G-73 the per-client ceiling across addresses holds on the shared store, and only for that client', async () => {
    const { ctx } = t.server.runtime;
    const policy: ThrottlePolicy = {
      name: `ceiling-${kind}`,
      perSubjectAddress: 3,
      perAddress: 100,
      perSubject: 6,
      windowMs: 60_000,
    };
    const throttle = new Throttle(new LocalWindows(ctx.clock), storeFailureCounter(ctx), ctx.clock);
    for (const ip of ['10.0.0.1', '10.0.0.2']) {
      for (let i = 0; i < 3; i++) await throttle.reserve(throttle.windows(policy, 'x', ip));
      await expect(throttle.reserve(throttle.windows(policy, 'x', ip))).rejects.toMatchObject({ status: 429 });
    }
    // 6 failures from two addresses spend X's ceiling: a third address is refused too, even by
    // another node that saw none of them (the shared store counts atomically)…
    const otherNode = new Throttle(new LocalWindows(ctx.clock), storeFailureCounter(ctx), ctx.clock);
    await expect(otherNode.reserve(otherNode.windows(policy, 'x', '10.0.0.3'))).rejects.toMatchObject({ status: 429 });
    // …while another client from that address is not.
    await expect(otherNode.reserve(otherNode.windows(policy, 'y', '10.0.0.3'))).resolves.toBeUndefined();
  });
});

describe('G-73 source addresses', () => {
  it('an IPv6 /64 counts as one address; IPv4-mapped IPv6 as its IPv4 address', () => {
    expect(sourceAddress('2001:db8:1:2:aaaa::1')).toBe(sourceAddress('2001:db8:1:2:ffff:1:2:3'));
    expect(sourceAddress('2001:db8:1:2::1')).not.toBe(sourceAddress('2001:db8:1:3::1'));
    expect(sourceAddress('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(sourceAddress('127.0.0.2')).not.toBe(sourceAddress('127.0.0.3'));
  });
});
