/**
 * Errors of the domain: what services (and the routes' own checks) throw, with a stable `code`
 * from the contracts' {@link ApiErrorCode} and no HTTP status. The one error handler
 * (error-handler.ts) answers them: {@link httpStatusOf} gives the status, the body is
 * `{error: code, error_description: message}`.
 * @packageDocumentation
 */
import type { ApiErrorCode } from '@gatehouse/contracts';

/** A refusal the caller can understand and act on; never a bug. */
export abstract class DomainError extends Error {
  /** The `error` code answered. */
  abstract readonly code: ApiErrorCode;

  /**
   * The HTTP status the error handler answers with ({@link httpStatusOf}), derived from the class:
   * a service never picks one. For callers outside HTTP (the CLI, tests) that want to tell.
   */
  get status(): 400 | 401 | 403 | 404 | 409 {
    return httpStatusOf(this);
  }
}

/** The input is not acceptable (answered 400): malformed, out of range, unknown reference. */
export class InvalidInput extends DomainError {
  /**
   * @param code `invalid_client_metadata` for refused client metadata or keys (RFC 7591 §3.2.2);
   *   `invalid_code` for a wrong or used second-factor code; `invalid_invitation` for an invitation
   *   token that is unknown, used, expired or revoked.
   */
  constructor(
    description: string,
    readonly code:
      'invalid_request' | 'invalid_client_metadata' | 'invalid_code' | 'invalid_invitation' = 'invalid_request',
  ) {
    super(description);
  }
}

/**
 * The caller is not authenticated (answered 401): no credentials, or wrong ones (`invalid_credentials`,
 * `invalid_code` for a second factor, `invalid_challenge` for an expired sign-in step).
 */
export class Unauthenticated extends DomainError {
  constructor(
    description: string,
    readonly code: 'unauthorized' | 'invalid_credentials' | 'invalid_code' | 'invalid_challenge' = 'unauthorized',
  ) {
    super(description);
  }
}

/**
 * The caller may not do this (answered 403); `invalid_csrf_token` for a session request without its
 * CSRF token, `totp_required` when a second factor must be set up first, `password_sign_in_disabled`,
 * `invalid_credentials` when a signed-in account's current password is wrong, `current_password_required`
 * when a change of the account's factors is asked without it (ASVS 5.0 7.5.1).
 */
export class Forbidden extends DomainError {
  constructor(
    description: string,
    readonly code:
      | 'forbidden'
      | 'invalid_csrf_token'
      | 'totp_required'
      | 'password_sign_in_disabled'
      | 'invalid_credentials'
      | 'current_password_required' = 'forbidden',
  ) {
    super(description);
  }
}

/** No such resource (answered 404); also what a principal gets for another principal's resource. */
export class NotFound extends DomainError {
  readonly code = 'not_found';
  /** @param what the kind of resource, for the description `<what> not found`. */
  constructor(what = 'resource') {
    super(`${what} not found`);
  }
}

/** The change conflicts with what exists (answered 409): a taken name, key id or audience. */
export class Conflict extends DomainError {
  readonly code = 'conflict';
}

/** The HTTP status a domain error is answered with. */
export function httpStatusOf(err: DomainError): 400 | 401 | 403 | 404 | 409 {
  if (err instanceof InvalidInput) return 400;
  if (err instanceof Unauthenticated) return 401;
  if (err instanceof Forbidden) return 403;
  if (err instanceof NotFound) return 404;
  if (err instanceof Conflict) return 409;
  return 400;
}
