/**
 * Case (g): the same Environment API GET as (f), authenticated by a customer token the tenant
 * signed (HS256) with the environment secret.
 * @packageDocumentation
 */
import { environmentCredentials } from '../gatehouse/cli.js';
import { signCustomerToken } from '../gatehouse/customer-token.js';
import { ENV, gatehouseTarget } from '../gatehouse/fixture.js';
import type { BenchCase } from '../types.js';

/** Customer-token lifetime, seconds: long enough for any run, below typical maximums. */
const CUSTOMER_TOKEN_LIFETIME_SECONDS = 900;

export const gatehouseCustomerGetCase: BenchCase = {
  id: 'g',
  name: '(g) Gatehouse API GET, customer',
  setup: () =>
    gatehouseTarget(async (fixture) => {
      const credentials = await environmentCredentials(fixture.dataDir, ENV);
      const token = await signCustomerToken({
        ...credentials,
        id: 'bench-customer-1',
        name: 'Bench Customer',
        lifetimeSeconds: CUSTOMER_TOKEN_LIFETIME_SECONDS,
      });
      return {
        url: `${fixture.server.origin}/api/v1/environments/${ENV}/media`,
        method: 'GET',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      };
    }),
};
