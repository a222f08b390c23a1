/**
 * OAuth errors: one class per RFC error code, each carrying its HTTP status.
 * Only these (and {@link ApiError}) reach a client as they are; anything else becomes `server_error`.
 * @packageDocumentation
 */
import type { OAuthErrorCode } from '@gatehouse/contracts';

/** An RFC 6749 §5.2 / RFC 6750 §3.1 error: `code`, HTTP `status`, optional description and headers. */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(code: OAuthErrorCode, status: number, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}

/** 400 `invalid_request`: missing, repeated or malformed parameter (RFC 6749 §5.2). */
export class InvalidRequest extends OAuthError {
  constructor(description: string, status = 400) {
    super('invalid_request', status, description);
  }
}

/**
 * 401 `invalid_client`: client authentication failed (RFC 6749 §5.2). The description never says
 * whether the client exists. `basic` adds the `WWW-Authenticate: Basic` challenge (a MUST when the
 * client used the Authorization header).
 */
export class InvalidClient extends OAuthError {
  /** @param description - never says whether the client exists; the default is for every secret failure. */
  constructor(basic: boolean, description = 'client authentication failed') {
    super(
      'invalid_client',
      401,
      description,
      basic ? { 'www-authenticate': 'Basic realm="gatehouse", charset="UTF-8"' } : {},
    );
  }
}

/**
 * The check a `private_key_jwt` client assertion failed (auth/client-assertion.ts), in the order
 * they run: `malformed` (not a plain compact JWS), `algorithm` (not an asymmetric `alg`),
 * `issuer_subject` (`iss`/`sub` not the client_id), `audience`, `lifetime` (`exp`, `iat`, `nbf`),
 * `jti` (missing), `unknown_kid` (no key of the client has the assertion's `kid` and `alg`; an
 * unknown client has no keys), `signature` (the key its `kid` names doesn't verify it),
 * `replayed_jti`. A federated credential's platform token (auth/federated-token.ts) may also fail
 * `claims` (a configured claim condition not met) and `issuer_keys` (the issuer's keys could not be
 * fetched); its `issuer_subject` means no credential trusts its `iss` and `sub`.
 */
export type AssertionFailure =
  | 'malformed'
  | 'algorithm'
  | 'issuer_subject'
  | 'audience'
  | 'lifetime'
  | 'jti'
  | 'unknown_kid'
  | 'signature'
  | 'replayed_jti'
  | 'claims'
  | 'issuer_keys';

/**
 * 401 `invalid_client` for a client assertion, naming the failed check (`reason`, also logged and
 * audited) and never a claim's value. Unknown and known clients get the same answer for the same
 * assertion (docs/security.md A-3, I-85).
 */
export class InvalidClientAssertion extends InvalidClient {
  constructor(
    readonly reason: AssertionFailure,
    description: string,
  ) {
    super(false, `client assertion refused (${reason}): ${description}`);
  }
}

/** 400 `unsupported_grant_type` (RFC 6749 §5.2). */
export class UnsupportedGrantType extends OAuthError {
  constructor(grantType: string) {
    super('unsupported_grant_type', 400, `grant_type ${JSON.stringify(grantType.slice(0, 64))} is not supported`);
  }
}

/** 400 `unauthorized_client`: the client may not use this grant or operation (RFC 6749 §5.2, RFC 7009 §2.2.1). */
export class UnauthorizedClient extends OAuthError {
  constructor(description: string) {
    super('unauthorized_client', 400, description);
  }
}

/**
 * 400 `invalid_grant`: the grant (e.g. a token exchange's subject or actor token) is invalid,
 * expired or revoked (RFC 6749 §5.2, RFC 8693 §2.2.2).
 */
export class InvalidGrant extends OAuthError {
  constructor(description: string) {
    super('invalid_grant', 400, description);
  }
}

/**
 * 400 `invalid_grant` for a JWT bearer grant's assertion (RFC 7523 §3.1), naming the failed check
 * (`reason`, also logged and audited) and never a claim's value (docs/security.md L-104…L-106).
 */
export class InvalidGrantAssertion extends InvalidGrant {
  constructor(
    readonly reason: AssertionFailure,
    description: string,
  ) {
    super(`assertion refused (${reason}): ${description}`);
  }
}

/** 400 `invalid_scope`: a requested scope is unknown or not granted (RFC 6749 §5.2). */
export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super('invalid_scope', 400, description);
  }
}

/** 400 `invalid_target`: the audience/resource is unknown or not granted (RFC 8707 §2). */
export class InvalidTarget extends OAuthError {
  constructor(description: string) {
    super('invalid_target', 400, description);
  }
}

/** 400 `invalid_dpop_proof`: the token request's DPoP proof is missing where required, or invalid (RFC 9449 §5, §4.3). */
export class InvalidDpopProof extends OAuthError {
  constructor(description = 'the DPoP proof is invalid') {
    super('invalid_dpop_proof', 400, description);
  }
}

/** 503 `temporarily_unavailable`: the store can't be reached; nothing was written. */
export class TemporarilyUnavailable extends OAuthError {
  constructor(description = 'the service is temporarily unavailable, retry later') {
    super('temporarily_unavailable', 503, description, { 'retry-after': '1' });
  }
}

/**
 * 429 with `Retry-After` (seconds): too many failed authentications or tokens. The body is RFC 6749
 * §5.2-shaped with `temporarily_unavailable` (retry later; RFC 6749 §4.1.2.1), never `slow_down`,
 * which belongs to the device flow (RFC 8628 §3.5).
 */
export class TooManyRequests extends OAuthError {
  constructor(retryAfterSeconds: number, description = 'too many requests') {
    super('temporarily_unavailable', 429, description, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}
