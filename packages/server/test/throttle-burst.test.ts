/**
 * docs/security.md G-72: a burst of concurrent wrong secrets or passwords for one client_id, email or
 * source address — real concurrent HTTP requests — verifies at most the window's limit; the rest
 * answer 429 before any hashing. On SQLite, PostgreSQL and Redis.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_THROTTLE, TOKEN_THROTTLE } from '../src/throttle/throttle.js';
import { THROTTLE_BACKENDS } from '@gatehouse/testing/backends';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { token, type Res } from '@gatehouse/testing/http';
import { signInFrom, tokenFrom } from '@gatehouse/testing/from-address';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestAdmin, signIn } from './management-helpers.js';

/** How many answers had each status, e.g. `{ 401: 10, 429: 90 }`. */
function tally(responses: Res[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe.each(THROTTLE_BACKENDS)('G-72 concurrent bursts ($name)', ({ kind, config }) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: config() });
    await createTestAdmin(t);
  });
  afterAll(() => t?.close());

  it('G-72 100 concurrent wrong secrets for one client_id: exactly 10 x 401, 90 x 429 with Retry-After', async () => {
    const c = await t.integration({ preset: 'read-only' });
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => token(t.url, c.client_id, `wrong-${i}`)));
    expect(tally(responses)).toEqual({
      401: TOKEN_THROTTLE.perSubjectAddress,
      429: 100 - TOKEN_THROTTLE.perSubjectAddress,
    });
    for (const r of responses.filter((x) => x.status === 429)) {
      expect(r.body.error).toBe('temporarily_unavailable');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it('G-72 150 concurrent wrong secrets for different client_ids from one address: exactly 100 x 401, 50 x 429', async () => {
    const responses = await Promise.all(
      Array.from({ length: 150 }, () => tokenFrom('127.0.0.5', t.url, `ghost-${randomUUID()}`, 'wrong')),
    );
    expect(tally(responses)).toEqual({ 401: TOKEN_THROTTLE.perAddress, 429: 150 - TOKEN_THROTTLE.perAddress });
  });

  it('G-72 60 concurrent wrong passwords for one email: exactly 5 x 401, 55 x 429; the right password later from another address still works', async () => {
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => signInFrom('127.0.0.6', t.url, ADMIN_EMAIL, `wrong password ${i}`)),
    );
    expect(tally(responses)).toEqual({
      401: SIGN_IN_THROTTLE.perSubjectAddress,
      429: 60 - SIGN_IN_THROTTLE.perSubjectAddress,
    });
    for (const r of responses.filter((x) => x.status === 429)) {
      expect(r.body.error).toBe('temporarily_unavailable');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect((await signIn(t, ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  });

  it('G-72 40 concurrent wrong passwords for different emails from one address: exactly 30 x 401, 10 x 429', async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signInFrom('127.0.0.7', t.url, `guess${i}@example.com`, 'wrong password')),
    );
    expect(tally(responses)).toEqual({ 401: SIGN_IN_THROTTLE.perAddress, 429: 40 - SIGN_IN_THROTTLE.perAddress });
  });
});
