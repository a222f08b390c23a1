/**
 * Client secrets: generated with 256 bits of entropy, stored only as an HMAC-SHA-256 keyed by a
 * pepper derived from the master key, compared in constant time (docs/security.md A-10).
 * @packageDocumentation
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new secret: 32 random bytes, base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A new public identifier: `bytes` random bytes, base64url. */
export function generateId(bytes = 15): string {
  return randomBytes(bytes).toString('base64url');
}

export { generateTimeOrderedId } from '../store/time-ordered-id.js';

/**
 * A new `client_id`: 15 random bytes, base64url, drawn again while it starts with `-` or `_`, so
 * it can be passed to the CLI as an argument (`-abc` would read as an option) and copied by a
 * double-click. 120 bits of randomness less a fraction of one.
 */
export function generateClientId(): string {
  for (;;) {
    const id = generateId(15);
    if (id[0] !== '-' && id[0] !== '_') return id;
  }
}

/** HMAC-SHA-256 of `secret` under `pepper`, base64url. */
export function hashSecret(pepper: Buffer, secret: string): string {
  return digestSecret(pepper, secret).toString('base64url');
}

const DUMMY_HASH = Buffer.alloc(32, 0x5a);

/** HMAC-SHA-256 of a presented `secret` under `pepper`: what {@link digestMatches} compares. */
export function digestSecret(pepper: Buffer, secret: string): Buffer {
  return createHmac('sha256', pepper).update(secret, 'utf8').digest();
}

/**
 * True when the digest of a presented secret (from {@link digestSecret}) equals `storedHash`.
 * Both sides are 32-byte digests compared with `timingSafeEqual`, so timing says nothing about
 * where they differ. Pass `null` for an unknown client: the same comparison is made against a
 * dummy digest and the answer is false.
 */
export function digestMatches(given: Buffer, storedHash: string | null): boolean {
  const stored = storedHash === null ? DUMMY_HASH : Buffer.from(storedHash, 'base64url');
  const equal =
    stored.length === given.length ? timingSafeEqual(given, stored) : timingSafeEqual(given, DUMMY_HASH) && false;
  return storedHash !== null && equal;
}

/** True when `secret` matches `storedHash` (`null`: unknown client, always false after the same work). */
export function verifySecret(pepper: Buffer, storedHash: string | null, secret: string): boolean {
  return digestMatches(digestSecret(pepper, secret), storedHash);
}
