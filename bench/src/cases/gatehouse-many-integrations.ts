/**
 * Case (e): the token endpoint under many distinct integrations — 10,000 in the store, requests
 * rotating round-robin over the credentials of 1,000 of them (reuse on), each of which got its
 * first token before the warm-up. The server is restarted between seeding and load.
 * Sizes: `BENCH_INTEGRATIONS` (default 10000), `BENCH_ACTIVE_INTEGRATIONS` (default 1000).
 * @packageDocumentation
 */
import { ENV, gatehouseTarget } from '../gatehouse/fixture.js';
import { seedIntegrations } from '../gatehouse/seed-integrations.js';
import { basicAuth, fetchAccessToken, requestOk, tokenRequest } from '../http.js';
import { envNumber } from '../options.js';
import type { BenchCase, LoadRequest } from '../types.js';

export const gatehouseManyIntegrationsCase: BenchCase = {
  id: 'e',
  name: '(e) Gatehouse token, 1k of 10k clients',
  setup: () =>
    gatehouseTarget(async (fixture) => {
      const total = Math.round(envNumber('BENCH_INTEGRATIONS', 10_000));
      const active = Math.min(total, Math.round(envNumber('BENCH_ACTIVE_INTEGRATIONS', 1000)));
      const started = Date.now();
      const adminToken = await fetchAccessToken(
        fixture.tokenUrl(),
        fixture.admin.client_id,
        fixture.admin.client_secret,
      );
      const clients = await seedIntegrations({
        origin: fixture.server.origin,
        bearerToken: adminToken,
        env: ENV,
        total,
        keep: active,
      });
      const seconds = (Date.now() - started) / 1000;
      // Measure a server started on a store that holds the integrations, as in production, not
      // one whose heap still carries the garbage of creating them all a moment ago (~6 % slower,
      // ~20 MiB more resident; README "Performance" gives both).
      await fixture.restart();
      // One prebuilt request per client, sent round-robin: no per-send callback, so the load
      // generator (on the same cores) does no more work per request than in case (c).
      const { headers, body } = tokenRequest('', '');
      const requests: LoadRequest[] = clients.map((c) => ({
        method: 'POST',
        path: '/oauth/token',
        headers: { ...headers, authorization: basicAuth(c.client_id, c.client_secret) },
        body,
      }));
      const url = fixture.tokenUrl();
      return {
        url,
        method: 'POST',
        headers: {},
        requests,
        async check() {
          // Every active client gets its first token here, as (c)'s one integration does in its
          // check: the run then measures reuse across many integrations, not first mints (d).
          for (let i = 0; i < clients.length; i += 8) {
            await Promise.all(
              clients
                .slice(i, i + 8)
                .map((c) => requestOk(url, { method: 'POST', ...tokenRequest(c.client_id, c.client_secret) })),
            );
          }
          return `seeded ${total} integrations in ${seconds.toFixed(1)} s, restarted; load rotates over ${active}, each with a token already`;
        },
      };
    }),
};
