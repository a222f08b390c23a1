/**
 * Where token sources keep tokens: the `TokenStore` contract and the in-memory default.
 * @packageDocumentation
 */

/**
 * A token as kept in a {@link TokenStore}. `expires_at` is in **milliseconds** since the epoch
 * (computed from `expires_in` when the token was received). The value is a bearer credential:
 * a database store should protect it like a password.
 *
 * @example
 * ```ts
 * const value: StoredToken = { access_token: 'eyJ...', token_type: 'Bearer', scope: 'media:read', expires_at: Date.now() + 3_600_000 };
 * ```
 */
export interface StoredToken {
  access_token: string;
  /** `DPoP` when bound to the token source's DPoP key (RFC 9449 §5). */
  token_type: 'Bearer' | 'DPoP';
  /** Space-separated scopes the token carries. */
  scope: string;
  /** Expiry, milliseconds since the Unix epoch. */
  expires_at: number;
  /** Of an exchanged token: the type the server issued (RFC 8693 §2.2.1). */
  issued_token_type?: string;
}

/**
 * Pluggable storage for tokens, e.g. a row of the back end's database as in the hand-written
 * "keep the read-only token in the DB" pattern. Methods may be synchronous or return promises.
 * Keys come from the token source and cover issuer, client id, audience and scope.
 *
 * @example
 * ```ts
 * const store: TokenStore = {
 *   async get(key) {
 *     const row = await db.selectFrom('tokens').selectAll().where('key', '=', key).executeTakeFirst();
 *     return row ? JSON.parse(row.value) : undefined;
 *   },
 *   async set(key, value) {
 *     await db.insertInto('tokens').values({ key, value: JSON.stringify(value) })
 *       .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value) })).execute();
 *   },
 * };
 * ```
 */
export interface TokenStore {
  /** The token stored under `key`, or `undefined`/`null` when there is none. */
  get(key: string): StoredToken | undefined | null | Promise<StoredToken | undefined | null>;
  /** Stores `value` under `key`, replacing what was there. */
  set(key: string, value: StoredToken): void | Promise<void>;
  /** Optional: forgets `key` (called by `invalidate()`). */
  delete?(key: string): void | Promise<void>;
}

/**
 * An in-memory {@link TokenStore} backed by a `Map`: the default of `createTokenSource`.
 * Share one between sources to share tokens inside a process.
 *
 * @example
 * ```ts
 * const store = createMemoryTokenStore();
 * const source = createTokenSource({ issuer, clientId, clientSecret, store });
 * ```
 */
export function createMemoryTokenStore(): TokenStore {
  const tokens = new Map<string, StoredToken>();
  return {
    get: (key) => tokens.get(key),
    set: (key, value) => {
      tokens.set(key, value);
    },
    delete: (key) => {
      tokens.delete(key);
    },
  };
}
