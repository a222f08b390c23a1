/**
 * `npm run bench:soak`: a long run (default 60 s, `SOAK_DURATION` seconds) at 100 connections
 * (`SOAK_CONNECTIONS`) against Gatehouse, each connection alternating a token request and a
 * bearer-protected Environment API GET. Exits 1 on any error or non-2xx answer, or when
 * Gatehouse cannot be started.
 * @packageDocumentation
 */
import { ENV, launchGatehouse } from './gatehouse/fixture.js';
import { fetchAccessToken, tokenRequest } from './http.js';
import { envNumber } from './options.js';
import { runLoad } from './load.js';
import { sampleMemory } from './process-memory.js';

const durationSeconds = envNumber('SOAK_DURATION', 60) || 60;
const connections = Math.max(1, Math.round(envNumber('SOAK_CONNECTIONS', 100)));
const mib = (value: number | undefined) => (value === undefined ? '–' : `${value.toFixed(1)} MiB`);

let failed = true;
try {
  const fixture = await launchGatehouse();
  try {
    const { client_id: clientId, client_secret: clientSecret } = fixture.admin;
    const bearer = await fetchAccessToken(fixture.tokenUrl(), clientId, clientSecret);
    const before = sampleMemory(fixture.server.pid);
    console.log(
      `soak: ${durationSeconds} s, ${connections} connections, token POST + bearer GET against ${fixture.server.origin}`,
    );
    const metrics = await runLoad(
      {
        url: fixture.tokenUrl(),
        method: 'POST',
        headers: {},
        requests: [
          { method: 'POST', path: '/oauth/token', ...tokenRequest(clientId, clientSecret) },
          {
            method: 'GET',
            path: `/api/v1/environments/${ENV}/media`,
            headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
          },
        ],
        teardown: fixture.teardown,
      },
      durationSeconds,
      connections,
    );
    const after = sampleMemory(fixture.server.pid);
    console.log(
      `${Math.round(metrics.requestsPerSecond)} req/s, p50 ${metrics.latencyP50Ms} ms, p99 ${metrics.latencyP99Ms} ms, ` +
        `${metrics.totalRequests} requests, ${metrics.errors} errors (${metrics.timeouts} timeouts), ${metrics.non2xx} non-2xx, ` +
        `status ${JSON.stringify(metrics.statusCodes)}, RSS ${mib(before?.rssMiB)} -> ${mib(after?.rssMiB)} (peak ${mib(after?.peakRssMiB)})`,
    );
    failed = metrics.errors > 0 || metrics.non2xx > 0 || metrics.totalRequests === 0;
    console.log(failed ? 'soak FAILED: errors or non-2xx answers' : 'soak passed');
  } finally {
    await fixture.teardown();
  }
} catch (error) {
  console.error(`soak FAILED: ${(error as Error).message}`);
}
process.exit(failed ? 1 : 0);
