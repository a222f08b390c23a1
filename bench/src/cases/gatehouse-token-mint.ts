/**
 * Case (d): Gatehouse token endpoint with reuse switched off (`refresh_before` ≥ lifetime), so
 * every request mints and signs a new token.
 * @packageDocumentation
 */
import { setRefreshBefore } from '../gatehouse/cli.js';
import { ENV, gatehouseTarget, tokensReused } from '../gatehouse/fixture.js';
import { tokenRequest } from '../http.js';
import type { BenchCase } from '../types.js';

/** `refresh_before` in seconds; at least the token lifetime, which switches reuse off. */
const REFRESH_BEFORE_SECONDS = 86_400;

export const gatehouseTokenMintCase: BenchCase = {
  id: 'd',
  name: '(d) Gatehouse token, minted',
  setup: () =>
    gatehouseTarget(async (fixture) => {
      await setRefreshBefore(fixture.dataDir, REFRESH_BEFORE_SECONDS, ENV);
      if (await tokensReused(fixture)) {
        // The running server may not have seen the CLI's change yet: a restart loads it for sure.
        await fixture.restart();
        if (await tokensReused(fixture))
          throw new Error(`tokens still reused after env set --refresh-before ${REFRESH_BEFORE_SECONDS}`);
      }
      return {
        url: fixture.tokenUrl(),
        method: 'POST',
        ...tokenRequest(fixture.admin.client_id, fixture.admin.client_secret),
      };
    }),
};
