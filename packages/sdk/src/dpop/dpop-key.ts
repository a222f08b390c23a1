/**
 * A DPoP key pair kept by one token source, and the proofs it signs (RFC 9449 §4).
 * @packageDocumentation
 */
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * Signs DPoP proofs with one ES256 key generated in memory (never exported, never stored).
 *
 * @example
 * ```ts
 * const key = createDpopKey();
 * const proof = await key.proof('GET', 'https://api.example.com/reports', accessToken);
 * ```
 */
export interface DpopKey {
  /**
   * A fresh proof for one request: `htm` (method), `htu` (URL without query or fragment), `iat`
   * (now, seconds), a random `jti`, and `ath` = base64url(SHA-256(accessToken)) when given.
   */
  proof(htm: string, htu: string, accessToken?: string): Promise<string>;
  /** The RFC 7638 SHA-256 thumbprint of the public key: the `cnf.jkt` of tokens bound to it. */
  thumbprint(): Promise<string>;
}

/** base64url(SHA-256(token)): the `ath` claim (RFC 9449 §4.2). */
export async function accessTokenHash(token: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
}

/** `scheme://host[:port]/path` of `url`: the `htu` of a request (RFC 9449 §4.2). */
export function htuOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * Creates a {@link DpopKey}: an ES256 key pair generated on first use (non-extractable private
 * key). `clock` gives milliseconds since the epoch (default `Date.now`).
 */
export function createDpopKey(clock: () => number = Date.now): DpopKey {
  let keys: Promise<{ privateKey: CryptoKey; jwk: JWK; jkt: string }> | undefined;
  const load = () =>
    (keys ??= (async () => {
      const pair = await generateKeyPair('ES256');
      const { kty, crv, x, y } = await exportJWK(pair.publicKey);
      const jwk = { kty, crv, x, y } as JWK;
      return { privateKey: pair.privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
    })());
  return {
    async proof(htm, htu, accessToken) {
      const { privateKey, jwk } = await load();
      const claims: Record<string, unknown> = {
        htm,
        htu: htuOf(htu),
        iat: Math.floor(clock() / 1000),
        jti: crypto.randomUUID(),
      };
      if (accessToken !== undefined) claims['ath'] = await accessTokenHash(accessToken);
      return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).sign(privateKey);
    },
    thumbprint: async () => (await load()).jkt,
  };
}
