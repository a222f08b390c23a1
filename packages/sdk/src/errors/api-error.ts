/**
 * The error of Environment API calls made with `GatehouseClient`.
 * @packageDocumentation
 */
import { GatehouseError } from './gatehouse-error.js';

/**
 * The Environment API answered with a non-2xx status. `error` is the body's `error` code, or the
 * RFC 6750 `error` of the `WWW-Authenticate` challenge (`invalid_token`, `insufficient_scope`);
 * `scope` the scope the challenge asked for.
 *
 * @example
 * ```ts
 * try {
 *   await client.projects.get('p_404');
 * } catch (err) {
 *   if (err instanceof GatehouseApiError && err.status === 404) return null;
 *   throw err;
 * }
 * ```
 */
export class GatehouseApiError extends GatehouseError {
  override readonly code = 'ERR_API';
  /** HTTP status. */
  readonly status: number;
  /** `error` from the body or the `WWW-Authenticate` challenge; `undefined` when neither had one. */
  readonly error: string | undefined;
  /** `error_description` from the body or the challenge. */
  readonly errorDescription: string | undefined;
  /** `scope` of an `insufficient_scope` challenge. */
  readonly scope: string | undefined;

  constructor(init: {
    status: number;
    method: string;
    path: string;
    error?: string;
    errorDescription?: string;
    scope?: string;
  }) {
    const what = init.error ? ` ${init.error}` : '';
    const why = init.errorDescription ? `: ${init.errorDescription}` : '';
    super(`${init.method} ${init.path} answered ${init.status}${what}${why}`);
    this.status = init.status;
    this.error = init.error;
    this.errorDescription = init.errorDescription;
    this.scope = init.scope;
  }
}
