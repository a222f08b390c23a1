/**
 * docs/security.md K-102: every listener the server opens — the public one and the separate
 * `GATEHOUSE_METRICS_PORT` one — cuts idle keep-alive connections and dripped headers at the same
 * times (listener.ts). Real sockets: the socket is the subject, so real time is measured.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';

/** The request timeout of the test server, ms: long enough that "cut at it" and "cut much later" differ. */
const REQUEST_TIMEOUT_MS = 4000;
/** The idle keep-alive time it implies and advertises (listener.ts). */
const KEEP_ALIVE_MS = REQUEST_TIMEOUT_MS / 2;
/** Node keeps an idle keep-alive socket this much longer than it advertises (its own buffer for in-flight requests). */
const NODE_KEEP_ALIVE_BUFFER_MS = 1000;
/** How often Node checks header and request timeouts, ms (listener.ts: at most every second). */
const CHECK_INTERVAL_MS = 1000;
/** How late a cut may come beyond that: the machine is shared. */
const SLACK_MS = 1500;

/**
 * Opens a raw connection to `url`, writes `first`, then `drip` every 200 ms (if any).
 * @returns how long the server kept the connection open, ms, and what it answered.
 */
function held(url: string, first: string, drip?: string): Promise<{ ms: number; answered: string }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  let answered = '';
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.write(first));
    const timer = drip === undefined ? undefined : setInterval(() => socket.writable && socket.write(drip), 200);
    socket.on('data', (chunk) => (answered += String(chunk)));
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ ms: Date.now() - started, answered });
    });
    socket.on('error', () => undefined);
  });
}

describe('K-102 the same timeouts on every listener', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite', { config: { requestTimeoutMs: REQUEST_TIMEOUT_MS, metricsPort: 0 } });
  });
  afterAll(() => t.close());

  const listeners = [
    { listener: 'public', url: () => t.url, path: '/healthz' },
    { listener: 'metrics', url: () => t.server.metricsUrl!, path: '/metrics' },
  ];

  it('K-102: both listeners are open', () => {
    expect(t.server.metricsUrl).toBeDefined();
    expect(t.server.metricsUrl).not.toBe(t.url);
  });

  it.concurrent.each(listeners)(
    'K-102 $listener: an idle keep-alive connection is closed after the advertised keep-alive time',
    async ({ url, path }) => {
      const { ms, answered } = await held(url(), `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`);
      expect(answered).toMatch(/^HTTP\/1\.1 200 /);
      expect(answered).toMatch(new RegExp(`keep-alive: timeout=${KEEP_ALIVE_MS / 1000}`, 'i'));
      expect(ms).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 100);
      expect(ms).toBeLessThan(KEEP_ALIVE_MS + NODE_KEEP_ALIVE_BUFFER_MS + SLACK_MS);
    },
    20_000,
  );

  it.concurrent.each(listeners)(
    'K-102 $listener: headers dripped one line every 200 ms are cut at the request timeout',
    async ({ url, path }) => {
      const { ms, answered } = await held(url(), `GET ${path} HTTP/1.1\r\nHost: x\r\n`, 'X-Slow: 1\r\n');
      // Node answers 408 to a request whose headers didn't arrive in time.
      expect(answered).toMatch(/^HTTP\/1\.1 408 |^$/);
      expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
      expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS);
    },
    20_000,
  );
});
