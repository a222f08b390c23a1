/**
 * What every service needs: the store, the sealer (master-key crypto), the clock, the config, and
 * what the process holds beside the store — the last uses not written yet and its caches. One
 * graph: `openContext` (runtime.ts) builds it for the CLI with no-op {@link NO_PENDING_USAGE} and
 * {@link NO_CACHES}; `createRuntime` builds the server's with its ledger and cache coherence.
 * Nothing is assigned to a context after it is built.
 * @packageDocumentation
 */
import type { Clock } from './clock.js';
import type { Config } from './config/config.js';
import type { Store } from './store/db.js';
import type { CommittedChange } from './store/unit-of-work.js';

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
  /**
   * Last-use times of integrations this process noted and has not written yet (the runtime's
   * usage ledger, services/usage-ledger.ts), merged into every integration it answers.
   */
  readonly usage: PendingUsage;
  /** This process's caches, told of each change a service has just committed. */
  readonly caches: LocalCaches;
}

/** Last-use times held in memory and not written yet (services/usage-ledger.ts's `UsageLedger`). */
export interface PendingUsage {
  /** The not yet written last-use time of integration `id` (internal id, seconds), if any. */
  pending(id: string): number | undefined;
}

/** No pending use: what a process that serves no requests (the CLI) knows. */
export const NO_PENDING_USAGE: PendingUsage = Object.freeze({ pending: () => undefined });

/** The caches of this process, as services see them (the runtime's cache coherence, cache/coherence.ts). */
export interface LocalCaches {
  /**
   * Invalidates at once what `changes`, just committed by this process, make stale here, so its
   * next request honours them without waiting for the change feed (which reports them again).
   * Never throws: a cache that can't be refreshed now is the feed's to refresh.
   */
  committed(changes: readonly CommittedChange[]): Promise<void>;
}

/** No caches: the CLI's (running servers follow its changes through the change feed). */
export const NO_CACHES: LocalCaches = Object.freeze({ committed: async () => undefined });

/** Who made a change, for the audit log: `cli`, `admin:<email>`, `integration:<client_id>`, `customer-admin`. */
export interface Actor {
  readonly actor: string;
  readonly ip?: string | null | undefined;
}

/** The CLI acting on the store directly. */
export const CLI_ACTOR: Actor = Object.freeze({ actor: 'cli', ip: null });
