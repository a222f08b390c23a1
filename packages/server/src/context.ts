/**
 * What every service needs: the store, the sealer (master-key crypto), the clock and the config.
 * @packageDocumentation
 */
import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import type { Config } from './config/config.js';
import type { Sealer } from './keys/master-key.js';
import type { Database } from './store/schema.js';
import type { Store } from './store/db.js';
import type { UsageLedger } from './services/usage-ledger.js';

/** Shared dependencies of services, built once per process. */
export interface Context {
  readonly config: Config;
  readonly store: Store;
  readonly db: Kysely<Database>;
  readonly sealer: Sealer;
  readonly clock: Clock;
  /** Last-use times of integrations, written in batches; absent in the CLI (it serves no requests). */
  readonly usage?: UsageLedger;
}

/** Who made a change, for the audit log: `cli`, `admin:<email>`, `integration:<client_id>`, `customer-admin`. */
export interface Actor {
  readonly actor: string;
  readonly ip?: string | null | undefined;
}

/** The CLI acting on the store directly. */
export const CLI_ACTOR: Actor = Object.freeze({ actor: 'cli', ip: null });
