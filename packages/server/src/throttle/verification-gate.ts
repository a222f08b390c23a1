/**
 * Caps slow verifications (Argon2) in flight, globally and per key, with a bounded FIFO of
 * waiters (docs/security.md G-72): a burst can't saturate the CPU, and can't queue without bound.
 * @packageDocumentation
 */

interface Waiter {
  key: string;
  resolve: (release: () => void) => void;
}

/** A counting semaphore with a per-key cap and a bounded queue. */
export class VerificationGate {
  private active = 0;
  private readonly perKey = new Map<string, number>();
  private readonly waiting: Waiter[] = [];

  /**
   * @param globalLimit - verifications running at once in this process
   * @param keyLimit - verifications of one key (e.g. one email) running at once
   * @param maxWaiting - requests allowed to wait for a slot; beyond it {@link enter} refuses
   */
  constructor(
    private readonly globalLimit: number,
    private readonly keyLimit: number,
    private readonly maxWaiting: number,
  ) {}

  /**
   * A slot for `key`: resolves with its release function once one is free, in arrival order;
   * undefined (at once) when the queue is full.
   */
  enter(key: string): Promise<() => void> | undefined {
    if (this.free(key)) return Promise.resolve(this.take(key));
    if (this.waiting.length >= this.maxWaiting) return undefined;
    return new Promise((resolve) => this.waiting.push({ key, resolve }));
  }

  private free(key: string): boolean {
    return this.active < this.globalLimit && (this.perKey.get(key) ?? 0) < this.keyLimit;
  }

  private take(key: string): () => void {
    this.active++;
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const left = this.perKey.get(key)! - 1;
      if (left === 0) this.perKey.delete(key);
      else this.perKey.set(key, left);
      this.wake();
    };
  }

  /** Starts the first waiters whose key has room (a busy key doesn't hold up the others). */
  private wake(): void {
    for (let i = 0; i < this.waiting.length && this.active < this.globalLimit;) {
      const w = this.waiting[i]!;
      if (!this.free(w.key)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      w.resolve(this.take(w.key));
    }
  }
}
