import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetScopes } from '@gatehouse/contracts';
import {
  ArgumentError,
  createAuthData,
  createTokenSource,
  FRONT_END_SCOPES,
  WriteScopeError,
  type AuthDataLogger,
} from '../src/index.js';
import { createTestKey, signAccessToken, type TestKey } from './helpers/keys.js';
import { startFakeAuthorizationServer } from './helpers/fake-authorization-server.js';

const ALL_PERMISSIONS =
  'projects:read projects:write media:read media:write fonts:read fonts:write outputs:create integrations:read integrations:write customers:read customers:write';
const READ_ONLY = 'projects:read media:read fonts:read';
const API_URL = 'https://gatehouse.example.com/api/v1/environments/default/';

function recordingLogger(): AuthDataLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, error: (message, details) => void lines.push(`${message} ${JSON.stringify(details ?? {})}`) };
}

/** Serves one handler under GET /user/authdata with each framework; returns (status, body, headers). */
type Call = () => Promise<{ status: number; text: string; cacheControl: string | null }>;

async function expressCall(
  handler: ReturnType<ReturnType<typeof createAuthData>['express']>,
): Promise<{ call: Call; close: () => Promise<void> }> {
  const app = express();
  app.get('/user/authdata', handler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    call: async () => {
      const res = await fetch(`http://127.0.0.1:${port}/user/authdata`);
      return { status: res.status, text: await res.text(), cacheControl: res.headers.get('cache-control') };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function fastifyCall(
  handler: ReturnType<ReturnType<typeof createAuthData>['fastify']>,
): Promise<{ call: Call; close: () => Promise<void> }> {
  const app = Fastify();
  app.get('/user/authdata', handler);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    call: async () => {
      const res = await fetch(`${address}/user/authdata`);
      return { status: res.status, text: await res.text(), cacheControl: res.headers.get('cache-control') };
    },
    close: () => app.close(),
  };
}

async function honoCall(
  handler: ReturnType<ReturnType<typeof createAuthData>['hono']>,
): Promise<{ call: Call; close: () => Promise<void> }> {
  const app = new Hono();
  app.get('/user/authdata', handler);
  return {
    call: async () => {
      const res = await app.request('/user/authdata');
      return { status: res.status, text: await res.text(), cacheControl: res.headers.get('cache-control') };
    },
    close: async () => undefined,
  };
}

describe('createAuthData', () => {
  let key: TestKey;
  let allPermissionsToken: string;
  let readOnlyToken: string;

  beforeAll(async () => {
    key = await createTestKey('k1');
    const base = { issuer: 'https://gatehouse.example.com', audience: 'https://gatehouse.example.com' };
    allPermissionsToken = await signAccessToken(key, { ...base, scope: ALL_PERMISSIONS });
    readOnlyToken = await signAccessToken(key, { ...base, scope: READ_ONLY });
  });

  it('refuses a token holding write or management scopes with WriteScopeError listing them', async () => {
    const authData = createAuthData({ tokenSource: { getToken: async () => allPermissionsToken }, apiUrl: API_URL });
    const err = await authData.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteScopeError);
    expect(err).toMatchObject({ code: 'ERR_WRITE_SCOPE' });
    expect((err as WriteScopeError).scopes).toEqual([
      'projects:write',
      'media:write',
      'fonts:write',
      'outputs:create',
      'integrations:read',
      'integrations:write',
      'customers:read',
      'customers:write',
    ]);
    expect((err as Error).message).not.toContain(allPermissionsToken);
  });

  it('answers {success:true, token, apiURL} for a read-only token', async () => {
    const authData = createAuthData({ tokenSource: { getToken: async () => readOnlyToken }, apiUrl: API_URL });
    expect(await authData.get()).toEqual({ success: true, token: readOnlyToken, apiURL: API_URL });
  });

  it('refuses a token without a scope claim (cannot be shown read-only)', async () => {
    const noScope = await signAccessToken(key, { issuer: 'i', audience: 'a', scope: '', claims: { scope: undefined } });
    const authData = createAuthData({ tokenSource: { getToken: async () => noScope }, apiUrl: API_URL });
    await expect(authData.get()).rejects.toBeInstanceOf(WriteScopeError);
  });

  it('G-71 refuses by default any management scope, even one ending in :read', async () => {
    expect(FRONT_END_SCOPES).toEqual(presetScopes('read-only'));
    for (const extra of ['customers:read', 'integrations:read', 'audit:read', 'outputs:create', 'media:write']) {
      const token = await signAccessToken(key, { issuer: 'i', audience: 'a', scope: `${READ_ONLY} ${extra}` });
      const authData = createAuthData({ tokenSource: { getToken: async () => token }, apiUrl: API_URL });
      await expect(authData.get()).rejects.toMatchObject({ scopes: [extra] });
    }
  });

  it('applies a custom allowScopes list or predicate', async () => {
    const listed = createAuthData({
      tokenSource: { getToken: async () => readOnlyToken },
      apiUrl: API_URL,
      allowScopes: ['media:read', 'fonts:read'],
    });
    await expect(listed.get()).rejects.toMatchObject({ scopes: ['projects:read'] });
    const predicate = createAuthData({
      tokenSource: { getToken: async () => allPermissionsToken },
      apiUrl: API_URL,
      allowScopes: () => true,
    });
    await expect(predicate.get()).resolves.toMatchObject({ success: true });
  });

  it('derives apiURL from the token claims when apiUrl is a function', async () => {
    const authData = createAuthData({
      tokenSource: { getToken: async () => readOnlyToken },
      apiUrl: (claims) => `https://gatehouse.example.com/api/v1/environments/${String(claims['environment'])}/`,
    });
    expect((await authData.get()).apiURL).toBe(API_URL);
  });

  describe.each([
    ['express', expressCall],
    ['fastify', fastifyCall],
    ['hono', honoCall],
  ] as const)('%s adapter', (framework, serve) => {
    it('answers 500 {success:false} without the token for an all-permissions token, and logs why without the token', async () => {
      const logger = recordingLogger();
      const authData = createAuthData({
        tokenSource: { getToken: async () => allPermissionsToken },
        apiUrl: API_URL,
        logger,
      });
      const { call, close } = await serve(authData[framework]() as never);
      try {
        const res = await call();
        expect(res.status).toBe(500);
        expect(JSON.parse(res.text)).toEqual({ success: false });
        expect(res.text).not.toContain(allPermissionsToken);
        expect(res.cacheControl).toBe('no-store');
        expect(logger.lines).toHaveLength(1);
        expect(logger.lines[0]).toContain('ERR_WRITE_SCOPE');
        expect(logger.lines[0]).toContain('projects:write');
        expect(logger.lines[0]).not.toContain(allPermissionsToken);
      } finally {
        await close();
      }
    });

    it('answers 200 {success:true, token, apiURL} for a read-only token', async () => {
      const logger = recordingLogger();
      const authData = createAuthData({
        tokenSource: { getToken: async () => readOnlyToken },
        apiUrl: API_URL,
        logger,
      });
      const { call, close } = await serve(authData[framework]() as never);
      try {
        const res = await call();
        expect(res.status).toBe(200);
        expect(JSON.parse(res.text)).toEqual({ success: true, token: readOnlyToken, apiURL: API_URL });
        expect(res.cacheControl).toBe('no-store');
        expect(logger.lines).toEqual([]);
      } finally {
        await close();
      }
    });

    it('answers 500 {success:false} when the token source fails, redacting tokens from the log', async () => {
      const logger = recordingLogger();
      const failing = {
        getToken: () => Promise.reject(new Error(`boom while storing ${readOnlyToken} at db.example.com`)),
      };
      const authData = createAuthData({ tokenSource: failing, apiUrl: API_URL, logger });
      const { call, close } = await serve(authData[framework]() as never);
      try {
        const res = await call();
        expect(res.status).toBe(500);
        expect(JSON.parse(res.text)).toEqual({ success: false });
        expect(logger.lines).toHaveLength(1);
        expect(logger.lines[0]).toContain('boom while storing [redacted token] at db.example.com');
        expect(logger.lines[0]).not.toContain(readOnlyToken);
      } finally {
        await close();
      }
    });
  });

  describe('with a real token source', () => {
    let server: Awaited<ReturnType<typeof startFakeAuthorizationServer>>;
    beforeAll(async () => {
      server = await startFakeAuthorizationServer();
    });
    afterAll(() => server.close());

    it('hands out the read-only integration token and refuses the dangerous one', async () => {
      const readonly = createTokenSource({
        issuer: server.issuer,
        clientId: 'front',
        clientSecret: 's',
        scope: 'media:read fonts:read',
      });
      const dangerous = createTokenSource({
        issuer: server.issuer,
        clientId: 'back',
        clientSecret: 's',
        scope: 'media:read media:write',
      });
      const ok = await createAuthData({ tokenSource: readonly, apiUrl: API_URL }).get();
      expect(ok.token).toBe(await readonly.getToken());
      await expect(createAuthData({ tokenSource: dangerous, apiUrl: API_URL }).get()).rejects.toMatchObject({
        scopes: ['media:write'],
      });
    });
  });

  it('validates its options: a tokenSource with getToken(), apiUrl a string or function, exchange only with exchangeToken()', () => {
    const tokenSource = { getToken: async () => readOnlyToken };
    expect(() => createAuthData({ tokenSource: {} as typeof tokenSource, apiUrl: API_URL })).toThrow(/getToken/);
    expect(() => createAuthData({ tokenSource, apiUrl: 42 as unknown as string })).toThrow(ArgumentError);
    expect(() => createAuthData({ tokenSource, apiUrl: 42 as unknown as string })).toThrow(/apiUrl/);
    expect(() => createAuthData({ tokenSource, apiUrl: API_URL, exchange: true })).toThrow(ArgumentError);
    expect(() => createAuthData({ tokenSource, apiUrl: API_URL, exchange: true })).toThrow(/exchangeToken\(\)/);
    expect(createAuthData({ tokenSource, apiUrl: API_URL, exchange: false })).toBeDefined();
  });
});
