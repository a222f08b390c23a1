/**
 * Case (f): an Environment API GET (`/api/v1/environments/default/media`) with the bearer token
 * of an all-permissions integration.
 * @packageDocumentation
 */
import { ENV, gatehouseTarget, type GatehouseFixture, type GatehouseTargetSpec } from '../gatehouse/fixture.js';
import { fetchAccessToken } from '../http.js';
import type { BenchCase } from '../types.js';

/** The load of case (f): one bearer token on the media list, again and again. */
export async function bearerGetLoad(fixture: GatehouseFixture): Promise<GatehouseTargetSpec> {
  const token = await fetchAccessToken(fixture.tokenUrl(), fixture.admin.client_id, fixture.admin.client_secret);
  return {
    url: `${fixture.server.origin}/api/v1/environments/${ENV}/media`,
    method: 'GET',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  };
}

export const gatehouseBearerGetCase: BenchCase = {
  id: 'f',
  name: '(f) Gatehouse API GET, bearer',
  setup: () => gatehouseTarget(bearerGetLoad),
};
