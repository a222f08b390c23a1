/**
 * The one interface through which throttling counts failures across nodes (docs/security.md G-72),
 * with a store implementation (`store-failure-counter.ts`) and a Redis one
 * (`redis-failure-counter.ts`).
 * @packageDocumentation
 */

/** A fixed window: the digest it is stored under, how many failures it allows, and its length. */
export interface WindowKey {
  /** A fixed-size digest (see `throttleKey`), never the raw client_id, email or address. */
  readonly key: string;
  /** Failures allowed in one window. */
  readonly limit: number;
  /** Window length, milliseconds. */
  readonly windowMs: number;
}

/** A window's count and when it ends (milliseconds since the epoch). */
export interface WindowCount {
  readonly count: number;
  readonly resetMs: number;
}

/**
 * Counts failures in windows shared by every node. Answers are in the order of the keys given.
 * Implementations reject when their backend is unreachable; the caller then keeps to the
 * windows of its own process (an outage never turns an answer into a 5xx).
 */
export interface FailureCounter {
  /**
   * The shared counts, for backends that other nodes write to without telling this one (Redis);
   * undefined when this node already learns every full window otherwise (the store's change feed),
   * so the success path costs no round trip.
   */
  peek(keys: readonly WindowKey[]): Promise<WindowCount[]> | undefined;
  /** Adds one to each window atomically (a window that has ended restarts at 1). */
  add(keys: readonly WindowKey[]): Promise<WindowCount[]>;
  /** Takes back one reserved failure from each window (a reservation that succeeded). */
  refund(keys: readonly WindowKey[]): Promise<void>;
}
