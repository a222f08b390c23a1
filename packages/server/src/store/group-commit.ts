/**
 * Group commit for the embedded store: writes queued in the same turn of the event loop share one
 * SQLite transaction, so a burst of token mints pays for one commit (WAL frames, locks, the
 * occasional checkpoint) instead of one each. PostgreSQL already commits concurrent transactions
 * together on its own connections, so there every write keeps its own transaction.
 * @packageDocumentation
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { Store } from './db.js';
import type { Dialect } from './repositories/queryable.js';
import { UnitOfWork } from './unit-of-work.js';

/** Work done inside a (possibly shared) transaction. */
export type TransactionWork<T> = (trx: Transaction<Database>) => Promise<T>;

interface Queued {
  work: TransactionWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** Runs writes in transactions, grouped on SQLite. */
export class GroupCommit {
  private queue: Queued[] = [];

  /**
   * @param grouped share transactions (SQLite); otherwise every write runs in its own.
   * @param dialect the store's dialect (for the change feed of a {@link unit}); by default SQLite when grouped.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly grouped: boolean,
    private readonly dialect: Dialect = grouped ? 'sqlite' : 'postgres',
  ) {}

  /** Group commit where the store is SQLite. */
  static for(store: Store): GroupCommit {
    return new GroupCommit(store.db, store.dialect === 'sqlite', store.dialect);
  }

  /**
   * {@link run} as a unit of work: `work` gets the repositories bound to the (possibly shared)
   * transaction, its change feed and its audit log.
   */
  unit<T>(work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return this.run((trx) => work(new UnitOfWork(trx, this.dialect)));
  }

  /**
   * Runs `work` in a transaction, shared with the other writes queued in this turn of the event
   * loop when grouped. Work must not throw for an outcome its caller handles (answer it instead):
   * an error thrown by any work of a group, or by its commit, rolls the whole group back and
   * rejects every write in it, so nothing of the group is written, as a store failure would.
   * Work must query through `trx` only: on SQLite a query on the store's own handle waits for the
   * one connection, which the group holds until its work is done, so it would never run.
   * @returns what `work` returned, once the transaction committed.
   */
  run<T>(work: TransactionWork<T>): Promise<T> {
    if (!this.grouped) return this.db.transaction().execute(work);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const group = this.queue;
    this.queue = [];
    let results: unknown[];
    try {
      results = await this.db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const queued of group) out.push(await queued.work(trx));
        return out;
      });
    } catch (err) {
      for (const queued of group) queued.reject(err);
      return;
    }
    group.forEach((queued, i) => queued.resolve(results[i]));
  }
}
