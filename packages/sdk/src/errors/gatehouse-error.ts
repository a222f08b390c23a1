/**
 * Base error of the SDK and the error for invalid arguments.
 * @packageDocumentation
 */

/**
 * Base class of every error the SDK throws. `code` is a stable string callers can switch on;
 * messages may change between versions, codes do not.
 *
 * @example
 * ```ts
 * try {
 *   await source.getToken();
 * } catch (err) {
 *   if (err instanceof GatehouseError) console.error(err.code);
 * }
 * ```
 */
export class GatehouseError extends Error {
  /** Stable error code, e.g. `ERR_OAUTH`. */
  readonly code: string = 'ERR_GATEHOUSE';

  /** @param message - human-readable explanation, never containing tokens or secrets. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Thrown synchronously or as a rejection when an SDK function is called with invalid options
 * (for instance `signCustomerToken` with both `id` and `isAdmin`, or a non-positive `expiresIn`).
 *
 * @example
 * ```ts
 * await signCustomerToken({ environmentKey, secret, id: 'u1', isAdmin: true, expiresIn: 60 })
 *   .catch((err) => err.code); // 'ERR_INVALID_ARGUMENT'
 * ```
 */
export class ArgumentError extends GatehouseError {
  override readonly code = 'ERR_INVALID_ARGUMENT';
}
