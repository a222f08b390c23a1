/**
 * The registered cases, in table order. A case is a plug-in module exporting a {@link BenchCase}.
 * @packageDocumentation
 */
import type { BenchCase } from '../types.js';
import { gatehouseBearerGetCase } from './gatehouse-bearer-get.js';
import { gatehouseCustomerGetCase } from './gatehouse-customer-get.js';
import { gatehouseDpopTokenCase } from './gatehouse-dpop.js';
import { gatehouseTokenExchangeCase } from './gatehouse-token-exchange.js';
import { gatehouseManyIntegrationsCase } from './gatehouse-many-integrations.js';
import { gatehousePrivateKeyJwtCase } from './gatehouse-private-key-jwt.js';
import { gatehouseFederatedCase } from './gatehouse-federated.js';
import { gatehouseTokenMintCase } from './gatehouse-token-mint.js';
import { gatehouseTokenReuseCase } from './gatehouse-token-reuse.js';
import { gatehouseBearerGetTracedCase, gatehouseTokenReuseTracedCase } from './gatehouse-telemetry.js';
import { gatehouseBearerGetWorkersCase, gatehouseTokenReuseWorkersCase } from './gatehouse-workers.js';
import { oidcProviderCase } from './oidc-provider.js';
import { rawHttpCase } from './raw-http.js';

/** Every case `npm run bench` runs (filter with `BENCH_CASES`). */
export const ALL_CASES: BenchCase[] = [
  rawHttpCase,
  oidcProviderCase,
  gatehouseTokenReuseCase,
  gatehouseTokenMintCase,
  gatehouseManyIntegrationsCase,
  gatehouseBearerGetCase,
  gatehouseCustomerGetCase,
  gatehouseTokenReuseWorkersCase,
  gatehouseBearerGetWorkersCase,
  gatehousePrivateKeyJwtCase,
  gatehouseFederatedCase,
  gatehouseDpopTokenCase,
  gatehouseTokenExchangeCase,
  gatehouseTokenReuseTracedCase,
  gatehouseBearerGetTracedCase,
];
