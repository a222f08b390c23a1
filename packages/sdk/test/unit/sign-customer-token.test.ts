import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, importJWK, jwtVerify, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { ArgumentError, signCustomerToken } from '../../src/index.js';

const ENV_KEY = 'env_key_123';
const NOW = Date.UTC(2030, 0, 1);
const clock = () => NOW;
const SECRET_64 = 'x'.repeat(64);

const verifyAt = (token: string, key: Parameters<typeof jwtVerify>[1], algorithms: string[]) =>
  jwtVerify(token, key, { issuer: ENV_KEY, algorithms, currentDate: new Date(NOW), requiredClaims: ['exp', 'iat'] });

describe('signCustomerToken', () => {
  it('signs HS256 with the environment secret by default', async () => {
    const token = await signCustomerToken({
      environmentKey: ENV_KEY,
      secret: SECRET_64,
      id: 'cust-1',
      name: 'Ada',
      fields: { plan: 'pro' },
      expiresIn: 7200,
      clock,
    });
    const { payload, protectedHeader } = await verifyAt(token, new TextEncoder().encode(SECRET_64), ['HS256']);
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({
      iss: ENV_KEY,
      id: 'cust-1',
      name: 'Ada',
      fields: { plan: 'pro' },
      iat: NOW / 1000,
      exp: NOW / 1000 + 7200,
    });
  });

  it('signs HS512 when asked', async () => {
    const token = await signCustomerToken({
      environmentKey: ENV_KEY,
      secret: SECRET_64,
      algorithm: 'HS512',
      id: 'cust-1',
      expiresIn: 60,
      clock,
    });
    await expect(verifyAt(token, new TextEncoder().encode(SECRET_64), ['HS512'])).resolves.toMatchObject({
      payload: { id: 'cust-1' },
    });
    await expect(verifyAt(token, new TextEncoder().encode(SECRET_64), ['HS256'])).rejects.toThrow();
  });

  it('signs ES256 with a PKCS#8 PEM and puts the kid in the header', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const token = await signCustomerToken({
      environmentKey: ENV_KEY,
      privateKey: pem,
      algorithm: 'ES256',
      kid: 'tenant-key-1',
      id: 'cust-2',
      expiresIn: 600,
      clock,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'tenant-key-1' });
    await expect(verifyAt(token, publicKey, ['ES256'])).resolves.toMatchObject({
      payload: { id: 'cust-2', exp: NOW / 1000 + 600 },
    });
  });

  it('signs RS256 with a private JWK, inferring the algorithm', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk: JWK = await exportJWK(privateKey);
    const token = await signCustomerToken({
      environmentKey: ENV_KEY,
      privateKey: jwk,
      id: 'cust-3',
      expiresIn: 60,
      clock,
    });
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    await expect(verifyAt(token, publicKey, ['RS256'])).resolves.toMatchObject({ payload: { id: 'cust-3' } });
  });

  it('signs EdDSA with a Node KeyObject', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const token = await signCustomerToken({
      environmentKey: ENV_KEY,
      privateKey,
      algorithm: 'EdDSA',
      id: 'cust-4',
      expiresIn: 60,
      clock,
    });
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    await expect(verifyAt(token, await importJWK(publicJwk, 'EdDSA'), ['EdDSA'])).resolves.toMatchObject({
      payload: { id: 'cust-4' },
    });
  });

  it('signs PS256 with a CryptoKey', async () => {
    const { privateKey, publicKey } = await generateKeyPair('PS256');
    const token = await signCustomerToken({
      environmentKey: ENV_KEY,
      privateKey,
      algorithm: 'PS256',
      id: 'cust-5',
      expiresIn: 60,
      clock,
    });
    await expect(verifyAt(token, publicKey, ['PS256'])).resolves.toMatchObject({ payload: { id: 'cust-5' } });
  });

  it('signs admin tokens with isAdmin: true and no id', async () => {
    const token = await signCustomerToken({
      environmentKey: ENV_KEY,
      secret: SECRET_64,
      isAdmin: true,
      expiresIn: 60,
      clock,
    });
    const { payload } = await verifyAt(token, new TextEncoder().encode(SECRET_64), ['HS256']);
    expect(payload['isAdmin']).toBe(true);
    expect(payload).not.toHaveProperty('id');
  });

  it.each([
    ['id together with isAdmin', { id: 'cust-1', isAdmin: true }],
    ['neither id nor isAdmin', {}],
    ['expiresIn 0', { id: 'c', expiresIn: 0 }],
    ['negative expiresIn', { id: 'c', expiresIn: -5 }],
    ['NaN expiresIn', { id: 'c', expiresIn: Number.NaN }],
    ['fields as an array', { id: 'c', fields: ['a'] as unknown as Record<string, unknown> }],
    ['an HS256 secret shorter than 32 bytes', { id: 'c', secret: 'short' }],
    ['an HS512 secret shorter than 64 bytes', { id: 'c', secret: 'y'.repeat(48), algorithm: 'HS512' as const }],
    ['an asymmetric algorithm with a secret', { id: 'c', algorithm: 'ES256' as const }],
    ['an empty environment key', { id: 'c', environmentKey: '' }],
  ])('refuses %s', async (_name, overrides) => {
    const options = { environmentKey: ENV_KEY, secret: SECRET_64, expiresIn: 60, ...overrides };
    const err = await signCustomerToken(options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err).toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('refuses both a secret and a private key, a public JWK, or a PEM without an algorithm', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const base = { environmentKey: ENV_KEY, id: 'c', expiresIn: 60 };
    await expect(
      signCustomerToken({ ...base, secret: SECRET_64, privateKey: pem, algorithm: 'ES256' }),
    ).rejects.toBeInstanceOf(ArgumentError);
    await expect(signCustomerToken({ ...base, privateKey: await exportJWK(publicKey) })).rejects.toThrow(/public key/);
    await expect(signCustomerToken({ ...base, privateKey: pem })).rejects.toThrow(/algorithm is required/);
    await expect(signCustomerToken({ ...base, privateKey: pem, algorithm: 'HS256' })).rejects.toBeInstanceOf(
      ArgumentError,
    );
  });
});
