/**
 * Case (c): Gatehouse token endpoint with token reuse on (the default): after the first request
 * the same still-fresh token is handed out again.
 * @packageDocumentation
 */
import { gatehouseTarget, tokensReused } from '../gatehouse/fixture.js';
import { tokenRequest } from '../http.js';
import type { BenchCase } from '../types.js';

export const gatehouseTokenReuseCase: BenchCase = {
  id: 'c',
  name: '(c) Gatehouse token, reused',
  setup: () =>
    gatehouseTarget(async (fixture) => ({
      url: fixture.tokenUrl(),
      method: 'POST',
      ...tokenRequest(fixture.admin.client_id, fixture.admin.client_secret),
      async check() {
        if (!(await tokensReused(fixture))) return 'two consecutive requests got different tokens: reuse looks off';
      },
    })),
};
