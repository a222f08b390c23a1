/**
 * Throttling of failed authentications (RFC 6749 §10.10; docs/security.md A-11, G-72, G-73): the
 * token, introspection and revocation endpoints' client authentication, and console sign-in.
 *
 * Three fixed windows per attempt: the subject (client_id or email) from this source address,
 * the source address alone, and the subject from every address (a much higher ceiling). So one
 * address's failures never lock the subject out elsewhere, and nobody else's failures lock an
 * honest client out (unless they share its address, or spend the ceiling).
 *
 * Race-free: this process counts an attempt synchronously before any `await` that follows the
 * check, so a burst can't slip past a limit; the shared {@link FailureCounter} counts atomically
 * across nodes. Fast checks (HMAC) count failures after the check, with no I/O on success; slow
 * checks (Argon2) reserve before and refund on success.
 * @packageDocumentation
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { TooManyRequests } from '../errors/oauth-error.js';
import type { FailureCounter, WindowCount, WindowKey } from './failure-counter.js';
import type { LocalWindows } from './local-windows.js';
import { sourceAddress, throttleKey } from './throttle-key.js';

/** Limits of one throttled check, in failures per window. */
export interface ThrottlePolicy {
  /** Names the check in window keys, so two checks never share a window. */
  readonly name: string;
  /** Failures of one subject from one source address. */
  readonly perSubjectAddress: number;
  /** Failures from one source address, any subject. */
  readonly perAddress: number;
  /** Failures of one subject from every address: the ceiling. */
  readonly perSubject: number;
  /** Window length, milliseconds. */
  readonly windowMs: number;
}

/** Client authentication at the OAuth endpoints: 10 a minute per client_id and address, 100 per address, 1,000 per client_id. */
export const TOKEN_THROTTLE: ThrottlePolicy = {
  name: 'client_auth',
  perSubjectAddress: 10,
  perAddress: 100,
  perSubject: 1000,
  windowMs: 60_000,
};

/** Console sign-in: 5 per email and address in 15 minutes, 30 per address, 100 per email. */
export const SIGN_IN_THROTTLE: ThrottlePolicy = {
  name: 'sign_in',
  perSubjectAddress: 5,
  perAddress: 30,
  perSubject: 100,
  windowMs: 15 * 60_000,
};

/** Which window: the subject's from this address, the address's, or the subject's ceiling. */
export type WindowScope = 'client' | 'ip' | 'client_all';

/** A window with its scope. */
export interface ScopedWindow extends WindowKey {
  readonly scope: WindowScope;
}

/** The outcome of a counted failure. */
export interface Failure {
  /** Windows this failure filled (each fills once per window across nodes). */
  filled: WindowScope[];
  /** Set when another node had already spent a window: answer 429, not 401. */
  refused?: TooManyRequests;
}

/** Longest subject whose windows are remembered (issued client_ids and emails are far shorter). */
const REMEMBERED_SUBJECT = 320;

/** The throttle of one process over a shared counter. */
export class Throttle {
  /**
   * The windows of recent (policy, subject, address) triples, so an honest client's next request
   * costs one look-up instead of three SHA-256 digests and an address parse. Bounded in bytes.
   */
  private readonly recent = new LRUCache<string, ScopedWindow[]>({
    maxSize: 8 * 1024 * 1024,
    sizeCalculation: (_w, id) => 2 * id.length + 800,
  });

  /**
   * @param local - this process's windows
   * @param counter - the windows shared by every node; its errors are tolerated (local windows hold)
   */
  constructor(
    private readonly local: LocalWindows,
    private readonly counter: FailureCounter,
    private readonly clock: Clock,
  ) {}

  /** The three windows of `subject` (client_id or normalized email) from `ip`. */
  windows(policy: ThrottlePolicy, subject: string, ip: string): ScopedWindow[] {
    if (subject.length > REMEMBERED_SUBJECT) return Throttle.compute(policy, subject, ip);
    const id = `${policy.name}\0${ip}\0${subject}`;
    let windows = this.recent.get(id);
    if (!windows) this.recent.set(id, (windows = Throttle.compute(policy, subject, ip)));
    return windows;
  }

  private static compute(policy: ThrottlePolicy, subject: string, ip: string): ScopedWindow[] {
    const address = sourceAddress(ip);
    const { name, windowMs } = policy;
    return [
      {
        scope: 'client',
        key: throttleKey(name, 'subject+address', subject, address),
        limit: policy.perSubjectAddress,
        windowMs,
      },
      { scope: 'ip', key: throttleKey(name, 'address', address), limit: policy.perAddress, windowMs },
      { scope: 'client_all', key: throttleKey(name, 'subject', subject), limit: policy.perSubject, windowMs },
    ];
  }

  /** Learns the shared counts when the backend needs asking (Redis: one round trip); else undefined, at no cost. */
  learn(windows: readonly ScopedWindow[]): Promise<void> | undefined {
    let peeked: Promise<WindowCount[]> | undefined;
    try {
      peeked = this.counter.peek(windows);
    } catch {
      return undefined;
    }
    return peeked?.then(
      (counts) => this.merge(windows, counts),
      () => undefined,
    );
  }

  /**
   * Refuses when a window is full. Synchronous: call it right before the check.
   * @throws TooManyRequests (429) with `Retry-After` until the window ends.
   */
  assertOpen(windows: readonly ScopedWindow[]): void {
    const waitMs = this.local.full(windows);
    if (waitMs > 0) throw tooMany(waitMs);
  }

  /**
   * Counts a failed check: in this process at once (call it synchronously after the check), then
   * in the shared windows. Never throws.
   */
  async fail(windows: readonly ScopedWindow[]): Promise<Failure> {
    const counts = await this.count(windows);
    const filled = windows.filter((w, i) => counts[i]!.count === w.limit).map((w) => w.scope);
    const over = this.overLimit(windows, counts);
    return over > 0 ? { filled, refused: tooMany(over) } : { filled };
  }

  /**
   * Reserves an attempt before a slow check: refused at once when a window is full here, else
   * counted here and then atomically in the shared windows. {@link refund} it when the check succeeds.
   * @throws TooManyRequests when a window is full (here or across nodes).
   */
  async reserve(windows: readonly ScopedWindow[]): Promise<void> {
    this.assertOpen(windows);
    const counts = await this.count(windows);
    const over = this.overLimit(windows, counts);
    if (over > 0) throw tooMany(over);
  }

  /** Takes back a reservation whose check succeeded (or never ran). Never throws. */
  async refund(windows: readonly ScopedWindow[]): Promise<void> {
    this.local.refund(windows);
    await this.counter.refund(windows).catch(() => undefined);
  }

  /** Refuses `key` until `untilMs` (another node filled its window: the change feed). */
  block(key: string, untilMs: number): void {
    this.local.block(key, untilMs);
  }

  private async count(windows: readonly ScopedWindow[]): Promise<WindowCount[]> {
    const local = this.local.add(windows);
    try {
      const shared = await this.counter.add(windows);
      this.merge(windows, shared);
      return shared;
    } catch {
      return local;
    }
  }

  private merge(windows: readonly ScopedWindow[], counts: readonly WindowCount[]): void {
    windows.forEach((w, i) => this.local.merge(w.key, counts[i]!));
  }

  /** Milliseconds until the latest-ending window over its limit ends; 0 when none is over. */
  private overLimit(windows: readonly ScopedWindow[], counts: readonly WindowCount[]): number {
    const now = this.clock.now();
    let wait = 0;
    windows.forEach((w, i) => {
      if (counts[i]!.count > w.limit) wait = Math.max(wait, counts[i]!.resetMs - now, 1);
    });
    return wait;
  }
}

function tooMany(waitMs: number): TooManyRequests {
  return new TooManyRequests(waitMs / 1000, 'too many failed attempts, retry later');
}
