/**
 * Case (c): Gatehouse token endpoint with token reuse on (the default): after the first request
 * the same still-fresh token is handed out again.
 * @packageDocumentation
 */
import {
  gatehouseTarget,
  tokensReused,
  type GatehouseFixture,
  type GatehouseTargetSpec,
} from '../gatehouse/fixture.js';
import { tokenRequest } from '../http.js';
import type { BenchCase } from '../types.js';

/** The load of case (c): the integration's token request, again and again. */
export async function tokenReuseLoad(fixture: GatehouseFixture): Promise<GatehouseTargetSpec> {
  return {
    url: fixture.tokenUrl(),
    method: 'POST',
    ...tokenRequest(fixture.admin.client_id, fixture.admin.client_secret),
    async check() {
      if (!(await tokensReused(fixture))) return 'two consecutive requests got different tokens: reuse looks off';
    },
  };
}

export const gatehouseTokenReuseCase: BenchCase = {
  id: 'c',
  name: '(c) Gatehouse token, reused',
  setup: () => gatehouseTarget(tokenReuseLoad),
};
