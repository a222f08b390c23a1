/**
 * Follows the change log so that a change made by any process (CLI, another node) is honoured
 * here within 1 s: a poll every `config.changePollMs`, woken at once by LISTEN on PostgreSQL.
 * @packageDocumentation
 */
import type pg from 'pg';
import type { Context } from '../context.js';
import { CHANGE_CHANNEL, type Change } from '../store/repositories/change-log.js';
import { repositories } from '../store/unit-of-work.js';

/** Called with each batch of new changes, oldest first. */
export type ChangeListener = (changes: Change[]) => void | Promise<void>;

/** Polls (and on PostgreSQL listens to) the change log. */
export class ChangeFeed {
  private lastId = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private listenClient: pg.PoolClient | undefined;
  private stopped = false;
  /** Last time (ms) the store answered a poll; readiness uses it. */
  lastPollOk = 0;

  /** @param listener told of each batch of new changes (the runtime's cache coherence, coherence.ts). */
  constructor(
    private readonly ctx: Context,
    private readonly listener: ChangeListener,
  ) {}

  /** Starts following from the newest change. */
  async start(): Promise<void> {
    this.lastId = await repositories(this.ctx.store).changes.latestId();
    this.lastPollOk = Date.now();
    this.timer = setInterval(() => void this.poll(), this.ctx.config.changePollMs);
    this.timer.unref();
    await this.listen();
  }

  /** Reads and dispatches changes now; concurrent calls coalesce. Store errors are swallowed (retried next tick). */
  poll(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          for (;;) {
            const changes = await repositories(this.ctx.store).changes.since(this.lastId);
            this.lastPollOk = Date.now();
            if (!changes.length) break;
            this.lastId = changes[changes.length - 1]!.id;
            await this.listener(changes);
          }
        } catch {
          // The store is down: caches keep serving what they know; the next tick retries.
        }
      } while (this.again);
      this.running = undefined;
    })();
    return this.running;
  }

  private async listen(): Promise<void> {
    const pool = this.ctx.store.pool;
    if (!pool || this.stopped) return;
    try {
      const client = await pool.connect();
      this.listenClient = client;
      client.on('notification', () => void this.poll());
      client.on('error', () => this.relisten(client));
      client.on('end', () => this.relisten(client));
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch {
      setTimeout(() => void this.listen(), 1000).unref();
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
    await this.running;
    const client = this.listenClient;
    this.listenClient = undefined;
    client?.release(true);
  }
}
