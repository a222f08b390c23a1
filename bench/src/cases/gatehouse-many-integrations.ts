/**
 * Case (e): the token endpoint under many distinct integrations — 10,000 in the store, requests
 * rotating round-robin over the credentials of 1,000 of them (reuse on).
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
      const adminToken = await fetchAccessToken(fixture.tokenUrl(), fixture.admin.client_id, fixture.admin.client_secret);
      const clients = await seedIntegrations({ origin: fixture.server.origin, bearerToken: adminToken, env: ENV, total, keep: active });
      const seconds = (Date.now() - started) / 1000;
      const authorizations = clients.map((c) => basicAuth(c.client_id, c.client_secret));
      // The authorization header is set per send by setupRequest, round-robin over the clients.
      const { headers, body } = tokenRequest('', '');
      let next = 0;
      const rotating: LoadRequest = {
        method: 'POST',
        path: '/oauth/token',
        headers,
        body,
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: authorizations[next++ % authorizations.length] as string },
        }),
      };
      const url = fixture.tokenUrl();
      return {
        url,
        method: 'POST',
        headers: {},
        requests: [rotating],
        async check() {
          for (const client of clients.slice(0, 3)) await requestOk(url, { method: 'POST', ...tokenRequest(client.client_id, client.client_secret) });
          return `seeded ${total} integrations in ${seconds.toFixed(1)} s; load rotates over ${active}`;
        },
      };
    }),
};
