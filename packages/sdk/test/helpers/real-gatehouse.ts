/**
 * A real Gatehouse test server for SDK tests. Its issuer (`https://gatehouse.test`) is not
 * reachable, so {@link issuerFetch} sends requests for the issuer's origin to the server's port:
 * the SDK builds URLs, `aud` and DPoP `htu` from the issuer exactly as it would in production.
 */
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { ISSUER } from '@gatehouse/testing/server';
import type { FetchLike } from '../../src/index.js';

export { ISSUER, startTestServer, type TestServer } from '@gatehouse/testing/server';

/** A fetch that rewrites `https://gatehouse.test/...` to `{serverUrl}/...` and records each request. */
export function issuerFetch(
  serverUrl: string,
  seen: Array<{ url: string; headers: Record<string, string>; body: string }> = [],
): FetchLike {
  return async (input, init) => {
    const url = String(input);
    const headers = Object.fromEntries(
      Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    seen.push({ url, headers, body: typeof init?.body === 'string' ? init.body : '' });
    return fetch(url.startsWith(ISSUER) ? serverUrl + url.slice(ISSUER.length) : url, init);
  };
}

/** An ES256 client key: the private `CryptoKey`, the private JWK and the public JWK (with `kid`, `alg`). */
export async function clientKey(
  kid: string,
): Promise<{ privateKey: CryptoKey; privateJwk: JWK; publicJwk: JWK & { kty: string } }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const exported = await exportJWK(publicKey);
  return {
    privateKey,
    privateJwk: { ...(await exportJWK(privateKey)), kid },
    publicJwk: { ...exported, kty: String(exported.kty), kid, alg: 'ES256' },
  };
}
