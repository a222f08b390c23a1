/**
 * Small injectable dependencies shared by the SDK's operations.
 * @packageDocumentation
 */

/**
 * A `fetch` implementation: the global one by default; inject another for proxies, tracing or tests.
 *
 * @example
 * ```ts
 * const tracedFetch: FetchLike = (input, init) => { console.debug('fetch', String(input)); return fetch(input, init); };
 * ```
 */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Current time in **milliseconds** since the Unix epoch (`Date.now` by default). Inject a frozen
 * clock in tests instead of sleeping.
 *
 * @example
 * ```ts
 * let now = Date.UTC(2030, 0, 1);
 * const clock: Clock = () => now;
 * now += 60_000; // one minute later
 * ```
 */
export type Clock = () => number;

/**
 * Waits `ms` milliseconds (a `setTimeout` promise by default). Inject a recording no-op in tests.
 *
 * @example
 * ```ts
 * const waits: number[] = [];
 * const sleep: Sleep = async (ms) => { waits.push(ms); };
 * ```
 */
export type Sleep = (ms: number) => Promise<void>;
