/**
 * Cases (h) and (i): cases (c) and (f) against `gatehouse serve --workers 2` (node:cluster, one
 * store), to decide with numbers whether more processes pay on this machine.
 * @packageDocumentation
 */
import { gatehouseTarget } from '../gatehouse/fixture.js';
import type { BenchCase } from '../types.js';
import { bearerGetLoad } from './gatehouse-bearer-get.js';
import { tokenReuseLoad } from './gatehouse-token-reuse.js';

const workers = 2;

export const gatehouseTokenReuseWorkersCase: BenchCase = {
  id: 'h',
  name: `(h) Gatehouse token, reused, --workers ${workers}`,
  setup: () => gatehouseTarget(tokenReuseLoad, { workers }),
};

export const gatehouseBearerGetWorkersCase: BenchCase = {
  id: 'i',
  name: `(i) Gatehouse API GET, bearer, --workers ${workers}`,
  setup: () => gatehouseTarget(bearerGetLoad, { workers }),
};
