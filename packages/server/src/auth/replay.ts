/**
 * `jti`s used once (RFC 7523 §3 item 7, RFC 9449 §11.1), shared by every node through the store:
 * one row per use, keyed by a digest of kind, issuer and `jti`, and a unique insert decides which
 * of two racing requests wins. A row is kept until the JWT could no longer be accepted anyway;
 * maintenance deletes it afterwards, and an expired row may be taken over meanwhile.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/db.js';
import { repositories } from '../store/unit-of-work.js';

/** What a `jti` was used in: its own namespace. */
export type JtiKind = 'client_assertion' | 'dpop_proof';

/**
 * Records the use of `jti` by `issuer` (a client_id or a key thumbprint).
 * @param expiresAt - seconds: until when the JWT could be accepted (its `exp` or `iat` window, plus skew)
 * @param now - seconds
 * @returns true the first time, false for a replay.
 * @throws store errors (answered 503).
 */
export async function useJtiOnce(
  store: Store,
  kind: JtiKind,
  issuer: string,
  jti: string,
  expiresAt: number,
  now: number,
): Promise<boolean> {
  const digest = createHash('sha256')
    .update(JSON.stringify([kind, issuer, jti]))
    .digest('base64url');
  return repositories(store).usedJtis.useOnce(digest, expiresAt, now);
}
