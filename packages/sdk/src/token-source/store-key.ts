/**
 * Store keys and validation of stored values.
 * @packageDocumentation
 * @internal
 */
import { normalizeScope } from '../util/scope.js';
import type { StoredToken } from './token-store.js';

/**
 * The store key of a token source: issuer, client id, audience and the sorted scope set, so two
 * sources asking for the same token share it and different ones never collide.
 *
 * @example
 * ```ts
 * tokenStoreKey({ issuer: 'https://auth.example.com', clientId: 'c1', scope: 'b a' });
 * // 'gatehouse:token:["https://auth.example.com","c1",null,"a b"]'
 * ```
 */
export function tokenStoreKey(parts: {
  issuer: string;
  clientId: string;
  audience?: string | undefined;
  scope?: string | undefined;
}): string {
  const scope = parts.scope === undefined ? null : normalizeScope(parts.scope);
  return `gatehouse:token:${JSON.stringify([parts.issuer, parts.clientId, parts.audience ?? null, scope])}`;
}

/** Whether a value read from a store has the {@link StoredToken} shape. */
export function isStoredToken(value: unknown): value is StoredToken {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['access_token'] === 'string' &&
    typeof v['expires_at'] === 'number' &&
    Number.isFinite(v['expires_at']) &&
    typeof v['scope'] === 'string'
  );
}
