/**
 * The windows as this process sees them: its own failures and reservations, counted synchronously
 * (so a burst inside one process can't slip past a limit between a check and a count), merged
 * with the shared counts it learns. Bounded in bytes (docs/security.md H-76).
 * @packageDocumentation
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import type { WindowCount, WindowKey } from './failure-counter.js';

/** Bytes one window costs: a 43-character digest key, a two-number record and lru-cache's slots. */
const WINDOW_BYTES = 192;
/** Default bound of the windows of one process, bytes (about 87,000 windows). */
export const LOCAL_WINDOWS_BYTES = 16 * 1024 * 1024;

interface Window {
  count: number;
  resetMs: number;
}

/** Fixed windows on the injected clock, least recently used evicted beyond `maxBytes`. */
export class LocalWindows {
  private readonly windows: LRUCache<string, Window>;

  constructor(
    private readonly clock: Clock,
    maxBytes = LOCAL_WINDOWS_BYTES,
  ) {
    this.windows = new LRUCache<string, Window>({ maxSize: maxBytes, sizeCalculation: () => WINDOW_BYTES });
  }

  /** Bytes the windows are counted as taking (at most the `maxBytes` given). */
  get bytes(): number {
    return this.windows.calculatedSize;
  }

  private current(key: string): Window | undefined {
    const w = this.windows.get(key);
    return w && w.resetMs > this.clock.now() ? w : undefined;
  }

  /** Milliseconds until the first full window of `keys` ends; 0 when none is full. */
  full(keys: readonly WindowKey[]): number {
    const now = this.clock.now();
    let wait = 0;
    for (const k of keys) {
      const w = this.current(k.key);
      if (w && w.count >= k.limit) wait = Math.max(wait, w.resetMs - now);
    }
    return wait;
  }

  /** Counts one in each window (a window that has ended restarts); answers the new counts. */
  add(keys: readonly WindowKey[]): WindowCount[] {
    return keys.map((k) => {
      const w = this.current(k.key);
      if (w) w.count++;
      else this.windows.set(k.key, { count: 1, resetMs: this.clock.now() + k.windowMs });
      const now = this.windows.get(k.key)!;
      return { count: now.count, resetMs: now.resetMs };
    });
  }

  /** Takes one back from each window still running. */
  refund(keys: readonly WindowKey[]): void {
    for (const k of keys) {
      const w = this.current(k.key);
      if (w && w.count > 0) w.count--;
    }
  }

  /** Merges a shared count of `key`: the larger count, the later end. */
  merge(key: string, shared: WindowCount): void {
    if (shared.resetMs <= this.clock.now()) return;
    const w = this.current(key);
    if (w) {
      w.count = Math.max(w.count, shared.count);
      w.resetMs = Math.max(w.resetMs, shared.resetMs);
    } else this.windows.set(key, { count: shared.count, resetMs: shared.resetMs });
  }

  /** Refuses `key` until `untilMs` (another node filled its window). */
  block(key: string, untilMs: number): void {
    this.merge(key, { count: Number.MAX_SAFE_INTEGER, resetMs: untilMs });
  }
}
