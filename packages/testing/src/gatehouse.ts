/**
 * A real Gatehouse for the examples' tests: the server's own test helper, on a port chosen first so
 * the issuer can be the URL it listens on. The SDK discovers `{issuer}/.well-known/...` and
 * verifiers check `iss` against the issuer, so both must be that URL (the server tests' default
 * issuer, `https://gatehouse.test`, is not reachable).
 * @packageDocumentation
 */
import { createServer } from 'node:net';
import { startTestServer, type TestServer } from './server.js';
import type { TestClock } from './clock.js';
import type { ConfigInput } from '@gatehouse/server';

export { settle, type TestServer } from './server.js';

/** A TCP port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Starts Gatehouse on the embedded store with `issuer` = its own URL (`http://127.0.0.1:<port>`),
 * which is also the Environment API's audience. Time on the server is `t.clock` (a test clock):
 * pass `() => t.clock.now()` wherever the examples take a clock. Clients that read the wall clock
 * themselves (third-party libraries signing assertions) need `clock: new WallClock()`.
 */
export async function startGatehouse(opts: { clock?: TestClock; config?: ConfigInput } = {}): Promise<TestServer> {
  const port = await freePort();
  return startTestServer('sqlite', {
    ...(opts.clock && { clock: opts.clock }),
    config: { ...opts.config, port, issuer: `http://127.0.0.1:${port}` },
  });
}
