/**
 * The error `createAuthData` throws instead of handing out a token that can write.
 * @packageDocumentation
 */
import { GatehouseError } from './gatehouse-error.js';

/**
 * The token the source returned holds scopes outside `allowScopes` (by default anything but
 * `projects:read media:read fonts:read`), or no readable `scope` claim at all, so it must not reach a browser. `scopes` lists
 * the refused scopes. The message never contains the token.
 *
 * @example
 * ```ts
 * try {
 *   await authData.get();
 * } catch (err) {
 *   if (err instanceof WriteScopeError) console.error('misconfigured integration:', err.scopes);
 * }
 * ```
 */
export class WriteScopeError extends GatehouseError {
  override readonly code = 'ERR_WRITE_SCOPE';
  /** The scopes of the token that `allowScopes` refused. */
  readonly scopes: readonly string[];

  constructor(message: string, scopes: readonly string[]) {
    super(message);
    this.scopes = scopes;
  }
}
