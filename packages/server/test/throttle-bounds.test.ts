/**
 * docs/security.md H-76 (throttling's part) and G-72's in-flight cap: stored throttle keys are
 * fixed-size digests, never the client_id an attacker sent; the windows of a process are bounded
 * in bytes; Argon2 verifications in flight are capped globally and per key, with a bounded queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stored } from '@gatehouse/testing/stored';
import { LocalWindows } from '../src/throttle/local-windows.js';
import { Throttle, TOKEN_THROTTLE } from '../src/throttle/throttle.js';
import { storeFailureCounter } from '../src/throttle/store-failure-counter.js';
import { redisFailureCounter } from '../src/throttle/redis-failure-counter.js';
import { VerificationGate } from '../src/throttle/verification-gate.js';
import { THROTTLE_BACKENDS } from '@gatehouse/testing/backends';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { TestClock } from '@gatehouse/testing/clock';

describe.each(THROTTLE_BACKENDS)('H-76 throttle keys ($name)', ({ name, kind, config }) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: config() });
  });
  afterAll(() => t?.close());

  it('H-76 a 60 KB client_id is stored as 43-character digests, in the store or in Redis', async () => {
    const { ctx, redis } = t.server.runtime;
    const huge = 'x'.repeat(60_000);
    const counter =
      name === 'redis' ? redisFailureCounter(redis!, ctx.config.redisPrefix, ctx.clock) : storeFailureCounter(ctx);
    const throttle = new Throttle(new LocalWindows(ctx.clock), counter, ctx.clock);
    const windows = throttle.windows(TOKEN_THROTTLE, huge, '127.0.0.9');
    expect(windows.map((w) => w.key)).toEqual(windows.map(() => expect.stringMatching(/^[\w-]{43}$/)));
    await throttle.fail(windows);
    const keys =
      name === 'redis'
        ? (await redis!.keys(`${ctx.config.redisPrefix}*`)).map((k) => k.slice(ctx.config.redisPrefix.length))
        : await stored(ctx).throttleCounterKeys();
    expect(keys).toEqual(expect.arrayContaining(windows.map((w) => w.key)));
    for (const key of keys) expect(key).toMatch(/^[\w-]{43}$/);
  });
});

describe('H-76 / G-72 in-process bounds', () => {
  it('H-76 the windows of a process are bounded in bytes: 10,000 keys in room for 100 keep 100', () => {
    const local = new LocalWindows(new TestClock(), 192 * 100);
    for (let i = 0; i < 10_000; i++) local.add([{ key: `k${i}`, limit: 10, windowMs: 60_000 }]);
    expect(local.bytes).toBeLessThanOrEqual(192 * 100);
    expect(local.full([{ key: 'k9999', limit: 1, windowMs: 60_000 }])).toBeGreaterThan(0);
    expect(local.full([{ key: 'k0', limit: 1, windowMs: 60_000 }])).toBe(0);
  });

  it('G-72 verifications in flight are capped globally and per key; waiters start in order; a full queue is refused at once', async () => {
    const gate = new VerificationGate(2, 1, 3);
    const started: string[] = [];
    const enter = (key: string) => gate.enter(key)?.then((release) => (started.push(key), release));
    const a1 = enter('a');
    const a2 = enter('a'); // same key: waits
    const b = enter('b');
    const c = enter('c'); // global cap: waits
    const d = enter('d');
    expect(enter('e')).toBeUndefined(); // three waiting: refused
    const releaseA1 = (await a1)!;
    const releaseB = (await b)!;
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    releaseA1();
    const releaseA2 = (await a2)!;
    expect(started).toEqual(['a', 'b', 'a']);
    releaseB();
    const releaseC = (await c)!;
    expect(started).toEqual(['a', 'b', 'a', 'c']);
    releaseA2();
    releaseC();
    (await d)!();
    expect(started).toEqual(['a', 'b', 'a', 'c', 'd']);
  });
});
