/**
 * Audit writes taken off the response path (docs/security.md G-74): a failed authentication answers
 * before its audit row is written, so an unknown client and a known one answer after the same
 * work. Jobs run one at a time in arrival order (the order of the rows is kept); the queue is
 * bounded, so a flood of failures can't grow it without limit.
 * @packageDocumentation
 */

/** One deferred write; its errors are swallowed (an audit write never fails a request). */
export type AuditJob = () => Promise<unknown>;

/** Most jobs waiting by default; beyond it new jobs are dropped and counted. */
export const AUDIT_QUEUE_LIMIT = 10_000;

/** A FIFO of audit writes run after the current I/O phase (setImmediate). */
export class AuditQueue {
  private readonly jobs: AuditJob[] = [];
  private running: Promise<void> | undefined;
  /** Jobs dropped because the queue was full. */
  dropped = 0;

  constructor(private readonly limit = AUDIT_QUEUE_LIMIT) {}

  /** Queues `job`; returns false (and drops it) when the queue is full. Never waits. */
  push(job: AuditJob): boolean {
    if (this.jobs.length >= this.limit) {
      this.dropped++;
      return false;
    }
    this.jobs.push(job);
    this.running ??= this.drain();
    return true;
  }

  /** Resolves once every job queued so far (and any queued meanwhile) has run. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    // Two turns of the event loop: answers written now are flushed, and read by any client in
    // this process (tests), before a synchronous SQLite write can hold the loop.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    for (let job = this.jobs.shift(); job; job = this.jobs.shift()) await job().catch(() => undefined);
    this.running = undefined;
  }
}
