/**
 * The in-memory key ring: the key that signs now, and the public keys that verify (and are
 * published in the JWKS). Rebuilt when the change feed reports a key change.
 * @packageDocumentation
 */
import { importJWK, type CryptoKey, type JWK } from 'jose';
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { loadSigningKeys, promoteDueKeys, SIGNING_ALG, type SigningKeyRow } from './signing-keys.js';

/** A key ready for use. */
export interface LoadedKey {
  kid: string;
  state: SigningKeyRow['state'];
  activatesAt: number;
  expiresAt: number | null;
  publicJwk: JWK;
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

/** Signing and verification keys of this process. */
export class KeyRing {
  private keys: LoadedKey[] = [];
  private byKid = new Map<string, LoadedKey>();

  constructor(private readonly ctx: Context) {}

  /**
   * Persists any due switch ({@link promoteDueKeys}), then {@link load}s the keys. Run at start,
   * by maintenance and when the change feed reports a key change: never on a request's path.
   */
  async reload(): Promise<void> {
    await promoteDueKeys(this.ctx);
    await this.load();
  }

  /**
   * (Re)loads the keys from the store, writing nothing: what a request may do on an unknown `kid`.
   * {@link signingKey} switches to a due key on time whether or not the switch was persisted.
   */
  async load(): Promise<void> {
    const rows = await loadSigningKeys(this.ctx);
    const keys: LoadedKey[] = [];
    for (const r of rows) {
      keys.push({
        kid: r.kid,
        state: r.state,
        activatesAt: r.activatesAt,
        expiresAt: r.expiresAt,
        publicJwk: r.publicJwk,
        publicKey: (await importJWK(r.publicJwk, SIGNING_ALG)) as CryptoKey,
        privateKey: (await importJWK(r.privateJwk, SIGNING_ALG)) as CryptoKey,
      });
    }
    this.keys = keys;
    this.byKid = new Map(keys.map((k) => [k.kid, k]));
  }

  /**
   * The key that signs now: a pre-published key whose time has come, else the active one.
   * Every node computes the same answer from the same rows, so the switch needs no coordination.
   * @throws Error when no key is loaded.
   */
  signingKey(): LoadedKey {
    const now = nowSeconds(this.ctx.clock);
    const due = this.keys.find((k) => k.state === 'next' && k.activatesAt <= now);
    const key = due ?? this.keys.find((k) => k.state === 'active');
    if (!key) throw new Error('no active signing key');
    return key;
  }

  /** The verification key of `kid`, if it is still published. */
  verificationKey(kid: string): LoadedKey | undefined {
    const key = this.byKid.get(kid);
    if (!key) return undefined;
    return key.expiresAt === null || key.expiresAt > nowSeconds(this.ctx.clock) ? key : undefined;
  }

  /** Public JWKs to publish: next, active and retiring keys (public members only). */
  publicJwks(): JWK[] {
    const now = nowSeconds(this.ctx.clock);
    return this.keys.filter((k) => k.expiresAt === null || k.expiresAt > now).map((k) => k.publicJwk);
  }

  /** State of every loaded key, for `gatehouse keys list`. */
  list(): { kid: string; state: string; activates_at: number; expires_at: number | null }[] {
    return this.keys.map((k) => ({ kid: k.kid, state: k.state, activates_at: k.activatesAt, expires_at: k.expiresAt }));
  }
}
