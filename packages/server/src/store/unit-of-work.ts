/**
 * The unit of work: the one way to change state. `unitOfWork(store, async (uow) => …)` runs its
 * work in one transaction and hands it the repositories bound to that transaction, plus
 * {@link UnitOfWork.change} (the change-feed entry caches follow) and {@link UnitOfWork.audit}
 * (the audit event): the change, its change-feed entry and its audit event commit together, and
 * any error — a storage failure midway, or a domain error the work throws — rolls back all of it.
 * Reads that change nothing use {@link repositories}.
 * @packageDocumentation
 */
import type { Transaction } from 'kysely';
import type { Store } from './db.js';
import type { Database } from './schema.js';
import { Repositories, type Dialect } from './repositories/index.js';
import type { AuditActor, AuditEntry } from './repositories/audit.js';
import type { ChangeKind } from './repositories/change-log.js';

/** Repositories bound to one transaction, with the change feed and the audit log of that transaction. */
export class UnitOfWork extends Repositories {
  /** Made on the first change (a token mint records none). */
  private recorded: CommittedChange[] | undefined;

  constructor(trx: Transaction<Database>, dialect: Dialect) {
    super(trx, dialect);
  }

  /**
   * Appends a change-feed entry (`kind`, `ref`) at `now` (seconds); on PostgreSQL it is announced
   * (NOTIFY) at commit, and nothing is announced when the work rolls back.
   */
  async change(kind: ChangeKind, ref: string, now: number): Promise<void> {
    await this.changes.record(kind, ref, now);
    (this.recorded ??= []).push({ kind, ref });
  }

  /** The change-feed entries this unit of work appended so far, in order. */
  get changed(): readonly CommittedChange[] {
    return this.recorded ?? [];
  }

  /** Appends an audit event at `nowMs` (milliseconds), committed with the change it describes. */
  audit(actor: AuditActor, entry: AuditEntry, nowMs: number): Promise<void> {
    return this.auditLog.record(actor, entry, nowMs);
  }
}

/**
 * Runs `work` in one transaction of `store`.
 * @returns what `work` returned, once committed.
 * @throws whatever `work` or the commit threw; nothing of the work is written then.
 */
export function unitOfWork<T>(store: Store, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  return store.db.transaction().execute((trx) => work(new UnitOfWork(trx, store.dialect)));
}

/** A change-feed entry a unit of work appended: what it makes stale in caches (cache/coherence.ts). */
export interface CommittedChange {
  kind: ChangeKind;
  ref: string;
}

const readers = new WeakMap<Store, Repositories>();

/** The repositories over `store`'s own handle, for reads (each statement on its own). */
export function repositories(store: Store): Repositories {
  let repos = readers.get(store);
  if (!repos) readers.set(store, (repos = new Repositories(store.db, store.dialect)));
  return repos;
}
