/**
 * Reads what an operator pastes as a client's public key: one JWK (RFC 7517 §4) or a JWK Set
 * (RFC 7517 §5). Only the shape is checked here; the server refuses private, symmetric or weak keys.
 * @packageDocumentation
 */
import type { Jwk } from '../api/types';

/** The most keys one paste may register (the server holds at most 5 per integration). */
export const MAX_PASTED_KEYS = 5;

/**
 * The public JWKs in `text`.
 * @returns one or more JWK objects, each with a string `kty`.
 * @throws Error with a message for the operator when `text` is not JSON, not a JWK or JWKS, holds
 *   no key or more than {@link MAX_PASTED_KEYS}.
 */
export function parsePastedJwks(text: string): Jwk[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('Paste a JWK or JWKS as JSON (PEM is not accepted here)');
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value)) throw new Error('Paste a JWK or JWKS as a JSON object');
  const keys = Array.isArray(value.keys) ? (value.keys as unknown[]) : [value];
  if (keys.length === 0) throw new Error('The JWKS holds no key');
  if (keys.length > MAX_PASTED_KEYS) throw new Error(`At most ${MAX_PASTED_KEYS} keys at once`);
  return keys.map((k) => {
    if (!isObject(k) || typeof k.kty !== 'string') throw new Error('Every key needs a "kty"');
    return k as Jwk;
  });
}
