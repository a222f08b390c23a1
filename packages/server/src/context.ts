/**
 * What every service needs: the store, the sealer (master-key crypto), the clock and the config.
 * @packageDocumentation
 */
import type { Clock } from './clock.js';
import type { Config } from './config/config.js';
import type { Store } from './store/db.js';

/**
 * Authenticated encryption under the master key, one key per purpose (`aad`); implemented by
 * keys/master-key.ts's `Sealer`.
 */
export interface Sealer {
  /** The key of client secrets' HMAC (derived from the master key; never stored). */
  readonly secretPepper: Buffer;
  /** Encrypts `plaintext` bound to `aad`. */
  seal(plaintext: string, aad: string): string;
  /** Decrypts what {@link seal} gave for the same `aad`. @throws Error when it was altered or `aad` differs. */
  open(sealed: string, aad: string): string;
}

/** Shared dependencies of services, built once per process. */
export interface Context {
  readonly config: Config;
  readonly store: Store;
  /**
   * The store's Kysely handle (`store.db`), for the CLI and tests. Server code never uses it: it
   * reads through `repositories(ctx.store)` and writes in `unitOfWork(ctx.store, …)`
   * (store/unit-of-work.ts); `npm run check:shape` enforces that.
   */
  readonly db: Store['db'];
  readonly sealer: Sealer;
  readonly clock: Clock;
}

/** Who made a change, for the audit log: `cli`, `admin:<email>`, `integration:<client_id>`, `customer-admin`. */
export interface Actor {
  readonly actor: string;
  readonly ip?: string | null | undefined;
}

/** The CLI acting on the store directly. */
export const CLI_ACTOR: Actor = Object.freeze({ actor: 'cli', ip: null });
