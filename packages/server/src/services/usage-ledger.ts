/**
 * When each integration was last used (a token issued or an API call), kept in memory and
 * written to the store in batches: every {@link USAGE_FLUSH_MS} and when the server closes. The
 * token endpoint only touches a map, so recording use costs it no store write (issue #19).
 * @packageDocumentation
 */
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import type { Context } from '../context.js';
import { unitOfWork } from '../store/unit-of-work.js';

/** Writes a batch of last-use times (seconds) by integration id; see {@link storeLastUsedWriter}. */
export type LastUsedWriter = (batch: ReadonlyMap<string, number>) => Promise<void>;

/** How often pending last-use times are written, in milliseconds. */
export const USAGE_FLUSH_MS = 15_000;

/** Most integrations remembered between flushes; past it the oldest pending entry is flushed early. */
const MAX_PENDING = 50_000;

/** Last-use times waiting to be written, per integration id (seconds). */
export class UsageLedger {
  private pendingTimes = new Map<string, number>();
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: LastUsedWriter,
    private readonly clock: Clock,
  ) {}

  /** Notes that integration `id` (internal id) was used now. Never waits, never writes. */
  touch(id: string): void {
    if (this.pendingTimes.size >= MAX_PENDING && !this.pendingTimes.has(id)) void this.flush();
    this.pendingTimes.set(id, nowSeconds(this.clock));
  }

  /** The not yet written last-use time of `id` (seconds), if any. */
  pending(id: string): number | undefined {
    return this.pendingTimes.get(id);
  }

  /** Starts writing every `everyMs` (the timer doesn't keep the process alive). */
  start(everyMs = USAGE_FLUSH_MS): void {
    this.timer ??= setInterval(() => void this.flush(), everyMs).unref();
  }

  /**
   * Writes what is pending in one transaction. A failed write keeps the entries for the next
   * flush (a later use of the same integration wins); it never throws.
   */
  async flush(): Promise<void> {
    await this.flushing;
    if (!this.pendingTimes.size) return;
    const batch = this.pendingTimes;
    this.pendingTimes = new Map();
    this.flushing = this.write(batch).then(
      () => undefined,
      () => {
        for (const [id, at] of batch) if ((this.pendingTimes.get(id) ?? 0) < at) this.pendingTimes.set(id, at);
      },
    );
    await this.flushing;
    this.flushing = undefined;
  }

  /** Stops the timer and writes what is pending. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

/**
 * The writer of a ledger over `ctx`'s store: one unit of work per flush (a write path: the batch
 * commits together or is kept for the next flush), through store/repositories/integration-usage.ts.
 */
export function storeLastUsedWriter(ctx: Context): LastUsedWriter {
  return (batch) => unitOfWork(ctx.store, (uow) => uow.integrationUsage.writeLastUsed(batch));
}
