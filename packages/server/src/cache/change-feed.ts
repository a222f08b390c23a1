/**
 * Follows the change log so that a change made by any process (CLI, another node) is honoured
 * here within 1 s: a poll every `config.changePollMs`, woken at once by LISTEN on PostgreSQL.
 * The feed moves past a batch of changes only once its listener has applied it: a listener that
 * fails (a cache reload meeting a store error) is given the same changes again on the next tick,
 * so no invalidation is lost (docs/security.md K-101). On PostgreSQL a change's id is handed out
 * when it is written, not when it commits, so a slow transaction can commit a lower id after the
 * feed moved past it: the ids a batch skipped are looked up again for {@link GAP_WAIT_MS}.
 * @packageDocumentation
 */
import type pg from 'pg';
import type { Context } from '../context.js';
import { CHANGE_CHANNEL, type Change } from '../store/repositories/change-log.js';
import { repositories } from '../store/unit-of-work.js';

/** How long an id the feed skipped over is looked for, milliseconds (a transaction open longer is not waited for). */
export const GAP_WAIT_MS = 60_000;
/** Most skipped ids looked for at once (rolled-back transactions leave holes too). */
const MAX_GAPS = 1000;

/**
 * Called with each batch of new changes, oldest first. It must be safe to call again with the same
 * changes (and newer ones): when it throws, the feed hands it the batch again on the next tick.
 */
export type ChangeListener = (changes: Change[]) => void | Promise<void>;

/** Told of each failure of the listener (the runtime counts them: `gatehouse_invalidation_failures_total`). */
export type ListenerFailure = (err: unknown) => void;

/** Polls (and on PostgreSQL listens to) the change log. */
export class ChangeFeed {
  private lastId = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private listenClient: pg.PoolClient | undefined;
  private stopped = false;
  /** The listener's connection attempt in flight (PostgreSQL only); `stop()` waits for it. */
  private listening: Promise<void> | undefined;
  private failing = false;
  /** Ids skipped over (PostgreSQL only), with when they were first missed (ms). */
  private readonly gaps = new Map<number, number>();

  /**
   * @param listener told of each batch of new changes (the runtime's cache coherence, coherence.ts).
   * @param onListenerFailure told each time the listener throws; the batch is retried on the next tick.
   */
  constructor(
    private readonly ctx: Context,
    private readonly listener: ChangeListener,
    private readonly onListenerFailure: ListenerFailure = () => undefined,
  ) {}

  /**
   * True while the listener's last attempt failed: changes are waiting that this process has not
   * applied (a revocation may not be honoured here yet). `/readyz` answers not ready meanwhile.
   */
  get invalidationsFailing(): boolean {
    return this.failing;
  }

  /** Starts following from the newest change. */
  async start(): Promise<void> {
    this.lastId = await repositories(this.ctx.store).changes.latestId();
    // Stopped while reading the newest id (a shutdown during start): start nothing.
    if (this.stopped) return;
    this.timer = setInterval(() => void this.poll(), this.ctx.config.changePollMs);
    this.timer.unref();
    await this.listen();
  }

  /**
   * Reads and dispatches changes now; concurrent calls coalesce. The feed moves past a batch only
   * once the listener applied it; a listener's failure is reported to `onListenerFailure` and the
   * batch retried on the next tick. A store error reading the log is retried the same way.
   */
  poll(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.drain();
      } while (this.again && !this.failing);
      this.running = undefined;
    })();
    return this.running;
  }

  /** Applies every change after `lastId` (and any skipped id that appeared), batch by batch, until none is left or one fails. */
  private async drain(): Promise<void> {
    for (let first = true; ; first = false) {
      let changes: Change[];
      try {
        changes = await this.read(first);
      } catch {
        // The store is down: caches keep serving what they know; the next tick retries.
        return;
      }
      if (!changes.length) return;
      try {
        await this.listener(changes);
      } catch (err) {
        this.failing = true;
        this.onListenerFailure(err);
        return;
      }
      this.failing = false;
      this.advance(changes);
    }
  }

  /** The changes after `lastId`, preceded (first read of a poll) by skipped ids that have appeared since. */
  private async read(withGaps: boolean): Promise<Change[]> {
    const log = repositories(this.ctx.store).changes;
    const fresh = await log.since(this.lastId);
    if (!withGaps || !this.gaps.size) return fresh;
    const oldest = Date.now() - GAP_WAIT_MS;
    for (const [id, missedAt] of this.gaps) if (missedAt < oldest) this.gaps.delete(id);
    const late = await log.byIds([...this.gaps.keys()]);
    // Skipped ids are below `lastId`, the fresh ones above it: the batch stays oldest first.
    return late.length ? [...late, ...fresh] : fresh;
  }

  /** Moves past `changes` (applied): forgets the skipped ids among them, notes the ones they skip. */
  private advance(changes: readonly Change[]): void {
    const now = Date.now();
    const trackGaps = this.ctx.store.dialect === 'postgres';
    let next = this.lastId + 1;
    for (const { id } of changes) {
      if (id <= this.lastId) {
        this.gaps.delete(id);
        continue;
      }
      if (trackGaps) for (let gap = next; gap < id && this.gaps.size < MAX_GAPS; gap++) this.gaps.set(gap, now);
      next = id + 1;
    }
    this.lastId = Math.max(this.lastId, next - 1);
  }

  private listen(): Promise<void> {
    this.listening = this.connectListener().finally(() => (this.listening = undefined));
    return this.listening;
  }

  /** Checks a client out for LISTEN; one that connects after `stop()` or fails to LISTEN goes back at once. */
  private async connectListener(): Promise<void> {
    const pool = this.ctx.store.pool;
    if (!pool || this.stopped) return;
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      if (this.stopped) {
        client.release(true);
        return;
      }
      this.listenClient = client;
      const held = client;
      client.on('notification', () => void this.poll());
      client.on('error', () => this.relisten(held));
      client.on('end', () => this.relisten(held));
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch {
      // A client that failed to LISTEN goes back (relisten schedules the next try, once, whichever
      // of this and its 'error' event comes first); a failed connect is retried in a second.
      if (client) this.relisten(client);
      else if (!this.stopped) setTimeout(() => void this.listen(), 1000).unref();
    }
  }

  private relisten(client: pg.PoolClient): void {
    if (this.listenClient !== client) return;
    this.listenClient = undefined;
    try {
      client.release(true);
    } catch {
      // already gone
    }
    if (!this.stopped) setTimeout(() => void this.listen(), 500).unref();
  }

  /** Stops polling and listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([this.running, this.listening]);
    const client = this.listenClient;
    this.listenClient = undefined;
    client?.release(true);
  }
}
