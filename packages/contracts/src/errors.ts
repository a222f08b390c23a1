/**
 * The `error` codes of the Environment API and the management API (body `{error, error_description}`).
 * @packageDocumentation
 */

/**
 * Every `error` code the Environment and management APIs answer with. RFC 6750 §3.1 codes on
 * bearer failures (`invalid_token`, `insufficient_scope`, `invalid_request`), RFC 7591 §3.2.2
 * `invalid_client_metadata` for refused client keys, and the project's own:
 * - `unauthorized` (401): no credentials; `invalid_credentials` (401): wrong email or password
 * - `invalid_challenge` (401): the sign-in's second step came too late or with a tampered challenge;
 *   `invalid_code` (401 at sign-in, 400 on the profile): a wrong or already used TOTP/recovery code
 * - `forbidden` (403), `invalid_csrf_token` (403): a session request without its CSRF header;
 *   `totp_required` (403): TOTP must be set up first (or signed in with); `password_sign_in_disabled` (403);
 *   `current_password_required` (403): changing the account's second factor needs its current password
 * - `invalid_invitation` (400): an invitation token that is unknown, used, expired or revoked
 * - `not_found` (404), `conflict` (409)
 * - `temporarily_unavailable` (503, or 429 when throttled), `server_error` (500)
 */
export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_client_metadata'
  | 'invalid_invitation'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unauthorized'
  | 'invalid_credentials'
  | 'invalid_challenge'
  | 'invalid_code'
  | 'forbidden'
  | 'invalid_csrf_token'
  | 'totp_required'
  | 'password_sign_in_disabled'
  | 'current_password_required'
  | 'not_found'
  | 'conflict'
  | 'temporarily_unavailable'
  | 'server_error';
