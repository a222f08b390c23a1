/**
 * The claims of a verified customer token: `id` (string ≤ 255), `name`, `fields` (a JSON object
 * ≤ 16 kB with no prototype-polluting names), `isAdmin`, and the lifetime cap (docs/security.md D-49…D-51);
 * no NUL character in any of them (H-77); and what the token is for: its `typ` and `aud` (H-81).
 * @packageDocumentation
 */
import { InvalidToken } from '../errors/api-error.js';
import { checkJsonValue, hasNul } from '../input/json-scan.js';

/** Largest accepted `fields`, bytes of JSON. */
export const MAX_FIELDS_BYTES = 16 * 1024;

/** What a customer token says. `exp` in seconds. */
export type CustomerClaims =
  | { kind: 'customer'; id: string; name: string | null; fields: Record<string, unknown>; exp: number }
  | { kind: 'admin'; exp: number };

const POLLUTING = new Set(['__proto__', 'constructor', 'prototype']);

function hasPollutingName(value: unknown, depth = 0): boolean {
  if (depth > 32) return true;
  if (Array.isArray(value)) return value.some((v) => hasPollutingName(v, depth + 1));
  if (value && typeof value === 'object')
    return Object.keys(value).some(
      (k) => POLLUTING.has(k) || hasPollutingName((value as Record<string, unknown>)[k], depth + 1),
    );
  return false;
}

/** True for the non-empty `isAdmin` values `true`, `"true"` and `1`. */
export function isAdminValue(v: unknown): boolean {
  return v === true || v === 'true' || v === 1;
}

/**
 * Reads and checks the claims. `now` and `skew` in seconds; `maxLifetime` in seconds caps
 * `exp - iat` (or `exp - now` when `iat` is absent).
 * @throws InvalidToken for anything out of shape.
 */
export function readCustomerClaims(
  payload: Record<string, unknown>,
  now: number,
  skew: number,
  maxLifetime: number,
): CustomerClaims {
  const { exp, iat, id, name, fields, isAdmin } = payload;
  // Each message names the claim and the rule, never the claim's value (it may be personal data).
  if (exp === undefined) throw new InvalidToken('the token has no exp claim: customer tokens must expire');
  if (typeof exp !== 'number')
    throw new InvalidToken(`exp must be a number (seconds since the epoch), not ${kindOf(exp)}`);
  if (iat !== undefined && typeof iat !== 'number')
    throw new InvalidToken(`iat must be a number (seconds since the epoch), not ${kindOf(iat)}`);
  if (typeof iat === 'number' && iat > now + skew)
    throw new InvalidToken("iat is in the future (check the signer's clock)");
  const start = typeof iat === 'number' ? iat : now;
  if (exp - start > maxLifetime)
    throw new InvalidToken(`the token lives longer than this environment allows (${maxLifetime} seconds from iat)`);
  const admin = isAdminValue(isAdmin);
  if (admin && id !== undefined) throw new InvalidToken('a token with both isAdmin and id is ambiguous');
  if (admin) return { kind: 'admin', exp };
  if (id === undefined)
    throw new InvalidToken(
      payload.sub !== undefined
        ? 'the customer is named by the id claim, not sub'
        : "the token has no id claim (the customer's id, a string)",
    );
  if (typeof id !== 'string') throw new InvalidToken(`id must be a string, not ${kindOf(id)}`);
  if (id.length === 0 || id.length > 255) throw new InvalidToken('id must be 1 to 255 characters');
  if (hasNul(id)) throw new InvalidToken('id must not contain a NUL character');
  if (name !== undefined && name !== null && (typeof name !== 'string' || name.length > 255 || hasNul(name)))
    throw new InvalidToken('name must be a string of at most 255 characters without NUL');
  if (fields !== undefined && (fields === null || typeof fields !== 'object' || Array.isArray(fields)))
    throw new InvalidToken(`fields must be a JSON object, not ${kindOf(fields)}`);
  const f = (fields ?? {}) as Record<string, unknown>;
  const problem = checkJsonValue(f);
  if (problem !== undefined) throw new InvalidToken(`fields: ${problem}`);
  if (hasPollutingName(f)) throw new InvalidToken('fields must not use the names __proto__, constructor or prototype');
  if (Buffer.byteLength(JSON.stringify(f)) > MAX_FIELDS_BYTES)
    throw new InvalidToken(`fields must be at most ${MAX_FIELDS_BYTES} bytes of JSON`);
  return { kind: 'customer', id, name: typeof name === 'string' ? name : null, fields: f, exp };
}

/** The JSON kind of a value, for messages that must not show the value itself. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * The `typ` and `aud` rules of customer tokens (docs/security.md H-81, RFC 8725 §3.11–3.12), checked
 * before any signature work:
 * - `typ`, when present, must be `JWT`. Compared case-insensitively with an optional
 *   `application/` prefix (RFC 7515 §4.1.9: media types are case-insensitive and the prefix may be
 *   omitted), so `jwt` and `application/jwt` pass; `at+jwt`, `id_token+jwt` or any other
 *   explicit type names another kind of token and is refused.
 * - `aud`, when present (a string or an array of strings), must contain one of `audiences` (this
 *   environment's key or the Environment API audience). Per RFC 7519 §4.1.3 the token is refused
 *   when we are not among its audiences; other audiences next to ours are allowed. An empty array,
 *   a non-string member or a token meant for another relying party (an ID token's `aud` is its
 *   client's id) is refused.
 * @throws InvalidToken (401) when either rule fails.
 */
export function checkCustomerTokenTarget(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  audiences: readonly string[],
): void {
  const { typ } = header;
  if (typ !== undefined && (typeof typ !== 'string' || typ.toLowerCase().replace(/^application\//, '') !== 'jwt')) {
    throw new InvalidToken('a customer token has typ JWT or none');
  }
  const { aud } = payload;
  if (aud === undefined) return;
  const named =
    typeof aud === 'string'
      ? [aud]
      : Array.isArray(aud) && aud.every((a) => typeof a === 'string')
        ? (aud as string[])
        : [];
  if (!named.some((a) => audiences.includes(a))) throw new InvalidToken('the token is meant for another audience');
}
