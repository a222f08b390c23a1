/**
 * The bench's synchronous signer makes JWTs jose accepts: client assertions (RFC 7523 §3) and DPoP
 * proofs (RFC 9449 §4.2), each with its own `jti`, verifiable with the public JWK alone.
 */
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { clientAssertion, dpopProof, es256Key } from '../../src/gatehouse/jwt-signer.js';

describe('bench JWT signer', () => {
  it('signs client assertions jose verifies with the registered public key; every jti is new', async () => {
    const key = es256Key('k1');
    expect(key.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: 'k1', alg: 'ES256' });
    expect(key.jwk).not.toHaveProperty('d');
    const publicKey = await importJWK(key.jwk, 'ES256');
    const signed = [
      clientAssertion(key, 'client-1', 'https://issuer.test'),
      clientAssertion(key, 'client-1', 'https://issuer.test'),
    ];
    const verified = await Promise.all(
      signed.map((s) =>
        jwtVerify(s, publicKey, {
          issuer: 'client-1',
          subject: 'client-1',
          audience: 'https://issuer.test',
          algorithms: ['ES256'],
        }),
      ),
    );
    expect(verified[0]!.protectedHeader).toMatchObject({ alg: 'ES256', kid: 'k1' });
    const { exp, iat, jti } = verified[0]!.payload;
    expect(exp! - iat!).toBe(60);
    expect(jti).toMatch(/^[\da-f-]{36}$/);
    expect(verified[1]!.payload.jti).not.toBe(jti);
    await expect(jwtVerify(signed[0]!, await importJWK(es256Key().jwk, 'ES256'))).rejects.toThrow(
      /signature verification failed/,
    );
  });

  it('signs DPoP proofs with the public key (no kid, no private member) in the header', async () => {
    const key = es256Key();
    const proof = dpopProof(key, 'POST', 'https://issuer.test/oauth/token');
    const header = decodeProtectedHeader(proof);
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(Object.keys(header.jwk!).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    const { payload } = await jwtVerify(proof, await importJWK(header.jwk!, 'ES256'), { typ: 'dpop+jwt' });
    expect(payload).toMatchObject({ htm: 'POST', htu: 'https://issuer.test/oauth/token' });
    expect(payload.jti).not.toBe(
      (await jwtVerify(dpopProof(key, 'POST', 'x'), await importJWK(header.jwk!, 'ES256'))).payload.jti,
    );
  });
});
