/**
 * DoS guards: slow headers, never-ending bodies and bodies shorter than their Content-Length are
 * cut by the request timeout while other clients are served (docs/security.md B-19, F-59), and a
 * flood of unknown kids reloads keys at most once per cooldown (F-58).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request, token } from '@gatehouse/testing/http';
import { claims, signOwn } from '@gatehouse/testing/forge';

/** Opens a raw connection, writes `first`, then trickles `drip` every 200 ms; resolves when the server closes it. */
function slowClient(url: string, first: string, drip: string): Promise<number> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.write(first));
    const timer = setInterval(() => socket.writable && socket.write(drip), 200);
    const done = () => {
      clearInterval(timer);
      resolve(Date.now() - started);
    };
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.resume();
  });
}

describe('slow and abusive clients', () => {
  let t: TestServer;
  let c: { client_id: string; client_secret: string };
  beforeAll(async () => {
    // A short request timeout, so the slow clients below are cut quickly.
    t = await startTestServer('sqlite', { config: { requestTimeoutMs: 1500 } });
    c = await t.integration({ preset: 'read-only' });
  });
  afterAll(() => t.close());

  it('F-59 keep-alive: the advertised idle time is shorter than the server keeps an idle socket, so a pooled connection reused after a pause still works', async () => {
    // The test server's request timeout (and idle-socket timeout) is 1.5 s. fetch pools connections
    // and trusts the server's `Keep-Alive: timeout=N` hint.
    const first = await fetch(`${t.url}/healthz`);
    await first.arrayBuffer();
    const advertised = Number(/timeout=(\d+)/.exec(first.headers.get('keep-alive') ?? '')?.[1]);
    expect(advertised * 1000).toBeLessThan(1500);
    // A pause longer than the idle-socket timeout, then the pool's next request (real sockets: real time).
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('F-59 slowloris headers are closed by the timeout; other requests are served meanwhile', async () => {
    const slow = slowClient(t.url, 'POST /oauth/token HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n');
    expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(200);
    const held = await slow;
    expect(held).toBeLessThan(t.config.requestTimeoutMs + 3000);
  }, 20_000);

  // What is still owed after the head: a chunk every 200 ms that never ends, or nothing at all.
  it.each([
    ['a chunked body that never ends', 'Transfer-Encoding: chunked\r\n\r\n5\r\ngrant\r\n', '1\r\n_\r\n'],
    ['a Content-Length larger than the body sent', 'Content-Length: 100\r\n\r\ngrant_type=client_credentials', ''],
  ])(
    'B-19 %s is closed by the timeout, not held',
    async (_, rest, drip) => {
      const head = `POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n${rest}`;
      const slow = slowClient(t.url, head, drip);
      expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(200);
      expect(await slow).toBeLessThan(t.config.requestTimeoutMs + 3000);
    },
    20_000,
  );

  it('F-58 500 tokens with random kids: all refused, keys reloaded at most once', async () => {
    let reloads = 0;
    const keys = t.server.runtime.keys;
    const original = keys.reload.bind(keys);
    keys.reload = async () => {
      reloads++;
      return original();
    };
    try {
      const forged = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          signOwn(t, claims(t, c.client_id), { kid: `random-${i}-${Math.random()}` }),
        ),
      );
      const statuses = await Promise.all(
        forged.map((f) =>
          request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${f}` } }).then((r) => r.status),
        ),
      );
      expect(new Set(statuses)).toEqual(new Set([401]));
      expect(reloads).toBeLessThanOrEqual(1);
    } finally {
      keys.reload = original;
    }
  }, 30_000);
});
