import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createMemoryTokenStore,
  createTokenSource,
  OAuthError,
  InvalidResponseError,
  NetworkError,
  type StoredToken,
  type TokenSourceOptions,
  type TokenStore,
} from '../src/index.js';
import { startFakeAuthorizationServer, type FakeAuthorizationServer } from './helpers/fake-authorization-server.js';

const T0 = Date.UTC(2030, 0, 1);

describe('createTokenSource', () => {
  let server: FakeAuthorizationServer;
  let now: number;
  let sleeps: number[];

  beforeEach(async () => {
    server = await startFakeAuthorizationServer();
    now = T0;
    sleeps = [];
  });
  afterEach(() => server.close());

  const source = (extra: Partial<TokenSourceOptions> = {}) =>
    createTokenSource({
      issuer: server.issuer,
      clientId: 'client-1',
      clientSecret: 'secret-1',
      clock: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...extra,
    });

  it('discovers the token endpoint once and caches the discovery', async () => {
    const s = source();
    await s.getToken();
    await s.invalidate();
    await s.getToken();
    await s.invalidate();
    await s.getToken();
    expect(server.metadataRequests).toBe(1);
    expect(server.tokenCalls).toHaveLength(3);
  });

  it('reuses the token until refreshBefore seconds before expiry (clock injected)', async () => {
    const s = source({ refreshBefore: 300 });
    const first = await s.getToken();
    now = T0 + (3600 - 301) * 1000;
    expect(await s.getToken()).toBe(first);
    expect(server.tokenCalls).toHaveLength(1);
    now = T0 + (3600 - 299) * 1000;
    const second = await s.getToken();
    expect(second).not.toBe(first);
    expect(server.tokenCalls).toHaveLength(2);
  });

  it('reports expires_in as the seconds left now', async () => {
    const s = source();
    expect((await s.getTokenResponse()).expires_in).toBe(3600);
    now = T0 + 1000 * 1000;
    const response = await s.getTokenResponse();
    expect(response).toMatchObject({
      token_type: 'Bearer',
      expires_in: 2600,
      scope: 'projects:read media:read fonts:read',
    });
    expect(server.tokenCalls).toHaveLength(1);
  });

  it('reuses a short-lived token for at least half its lifetime even when refreshBefore is longer', async () => {
    server.expiresIn = 200;
    const s = source({ refreshBefore: 300 });
    const first = await s.getToken();
    now = T0 + 99_000;
    expect(await s.getToken()).toBe(first);
    now = T0 + 101_000;
    expect(await s.getToken()).not.toBe(first);
    expect(server.tokenCalls).toHaveLength(2);
  });

  it('sends one token request for 20 concurrent getToken() calls', async () => {
    const s = source();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => s.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(server.tokenCalls).toHaveLength(1);
    expect(server.metadataRequests).toBe(1);
  });

  it('authenticates with client_secret_basic, form-urlencoding id and secret (RFC 6749 App. B)', async () => {
    await source({
      clientId: 'id:with %+é',
      clientSecret: 's3cr:t %+ü',
      audience: 'https://api.example.com',
      scope: ['media:read', 'fonts:read', 'media:read'],
    }).getToken();
    const call = server.tokenCalls[0];
    const header = String(call?.headers.authorization);
    expect(header.startsWith('Basic ')).toBe(true);
    const [id, secret] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    expect(decodeURIComponent(String(id).replace(/\+/g, ' '))).toBe('id:with %+é');
    expect(decodeURIComponent(String(secret).replace(/\+/g, ' '))).toBe('s3cr:t %+ü');
    expect(call?.form.get('grant_type')).toBe('client_credentials');
    expect(call?.form.get('audience')).toBe('https://api.example.com');
    expect(call?.form.get('scope')).toBe('fonts:read media:read');
    expect(call?.form.has('client_secret')).toBe(false);
  });

  it('authenticates with client_secret_post when asked, never both', async () => {
    await source({ authMethod: 'client_secret_post' }).getToken();
    const call = server.tokenCalls[0];
    expect(call?.headers.authorization).toBeUndefined();
    expect(call?.form.get('client_id')).toBe('client-1');
    expect(call?.form.get('client_secret')).toBe('secret-1');
  });

  it('retries 503 with capped exponential backoff and jitter, then succeeds', async () => {
    server.answers.push(
      { status: 503, body: { error: 'temporarily_unavailable' } },
      { status: 502 },
      { status: 500, body: { error: 'server_error' } },
    );
    const token = await source({ retry: { maxAttempts: 4, baseDelay: 200, maxDelay: 500 } }).getToken();
    expect(token.split('.')).toHaveLength(3);
    expect(server.tokenCalls).toHaveLength(4);
    // equal jitter with random = 0.5: 3/4 of min(maxDelay, 200·2^(n−1))
    expect(sleeps).toEqual([150, 300, 375]);
  });

  it('honours Retry-After on 429', async () => {
    server.answers.push({ status: 429, headers: { 'retry-after': '3' } });
    await source().getToken();
    expect(server.tokenCalls).toHaveLength(2);
    expect(sleeps).toEqual([3000]);
  });

  it('gives up when Retry-After exceeds maxRetryAfter', async () => {
    server.answers.push({ status: 429, headers: { 'retry-after': '3600' } });
    const err = await source()
      .getToken()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ status: 429, retryAfter: 3600, error: 'temporarily_unavailable' });
    expect(server.tokenCalls).toHaveLength(1);
  });

  it('throws the last 5xx after maxAttempts', async () => {
    for (let i = 0; i < 5; i++)
      server.answers.push({ status: 503, body: { error: 'temporarily_unavailable', error_description: 'db down' } });
    const err = await source({ retry: { maxAttempts: 3 } })
      .getToken()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({
      code: 'ERR_OAUTH',
      status: 503,
      error: 'temporarily_unavailable',
      errorDescription: 'db down',
    });
    expect(server.tokenCalls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('retries a reset connection (network error)', async () => {
    server.answers.push('drop');
    await source().getToken();
    expect(server.tokenCalls).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('never retries invalid_client and throws the OAuth error code', async () => {
    server.answers.push({
      status: 401,
      body: { error: 'invalid_client', error_description: 'client authentication failed' },
      headers: { 'www-authenticate': 'Basic realm="gatehouse"' },
    });
    const err = await source()
      .getToken()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ error: 'invalid_client', status: 401, code: 'ERR_OAUTH' });
    expect(String((err as Error).message)).not.toContain('secret-1');
    expect(server.tokenCalls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it.each([
    [400, 'invalid_scope'],
    [400, 'invalid_target'],
    [400, 'unsupported_grant_type'],
  ])('never retries %i %s', async (status, error) => {
    server.answers.push({ status, body: { error } });
    await expect(source().getToken()).rejects.toMatchObject({ error, status });
    expect(server.tokenCalls).toHaveLength(1);
  });

  it('rejects a 200 without access_token as an invalid response', async () => {
    server.answers.push({ status: 200, body: { token_type: 'Bearer', expires_in: 60 } });
    await expect(source().getToken()).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('keeps serving the current token while a refresh ahead of expiry fails, retrying every 30 s', async () => {
    const s = source({ retry: { maxAttempts: 1 } });
    const first = await s.getToken();
    now = T0 + 3400 * 1000; // inside the refresh window, before expiry
    server.answers.push({ status: 503 }, { status: 503 });
    expect(await s.getToken()).toBe(first);
    expect(server.tokenCalls).toHaveLength(2);
    now += 29_000; // within the pause: no new attempt
    expect(await s.getToken()).toBe(first);
    expect(server.tokenCalls).toHaveLength(2);
    now += 2_000; // after the pause: one more attempt, failing again
    expect(await s.getToken()).toBe(first);
    expect(server.tokenCalls).toHaveLength(3);
    now = T0 + 3601 * 1000; // expired: a failure surfaces
    server.answers.push({ status: 503 });
    await expect(s.getToken()).rejects.toMatchObject({ status: 503 });
  });

  it('does not cache a failed discovery', async () => {
    server.metadataAnswer = { status: 503 };
    const s = source({ retry: { maxAttempts: 1 } });
    await expect(s.getToken()).rejects.toMatchObject({ code: 'ERR_HTTP', status: 503 });
    server.metadataAnswer = undefined;
    await s.getToken();
    expect(server.metadataRequests).toBe(2);
  });

  it('refuses metadata naming another issuer (RFC 8414 §3.3)', async () => {
    server.metadataAnswer = {
      status: 200,
      body: { issuer: 'https://evil.example', token_endpoint: 'https://evil.example/token' },
    };
    await expect(source().getToken()).rejects.toBeInstanceOf(InvalidResponseError);
    expect(server.tokenCalls).toHaveLength(0);
  });

  it('fails with NetworkError when the issuer is unreachable, after retries', async () => {
    server.metadataAnswer = 'drop';
    await expect(source({ retry: { maxAttempts: 2 } }).getToken()).rejects.toBeInstanceOf(NetworkError);
    expect(server.metadataRequests).toBe(2);
  });

  it('round-trips tokens through a pluggable async store keyed by issuer, client, audience and scope', async () => {
    const rows = new Map<string, string>(); // like a database table: key → JSON
    const store: TokenStore = {
      get: async (key) => {
        const row = rows.get(key);
        return row === undefined ? undefined : (JSON.parse(row) as StoredToken);
      },
      set: async (key, value) => {
        rows.set(key, JSON.stringify(value));
      },
    };
    const token = await source({ store, scope: 'media:read fonts:read' }).getToken();
    expect(rows.size).toBe(1);
    const [key, row] = [...rows][0] ?? [];
    expect(key).toContain(server.issuer);
    expect(key).toContain('client-1');
    expect(key).toContain('fonts:read media:read');
    expect(JSON.parse(String(row))).toMatchObject({
      access_token: token,
      token_type: 'Bearer',
      expires_at: T0 + 3_600_000,
    });

    // another process with the same store and the same (issuer, client, audience, scope): no request
    expect(await source({ store, scope: 'fonts:read media:read' }).getToken()).toBe(token);
    expect(server.tokenCalls).toHaveLength(1);

    // another scope or audience: another key, another token
    await source({ store, scope: 'media:read' }).getToken();
    await source({ store, scope: 'media:read fonts:read', audience: 'https://api.example.com' }).getToken();
    expect(server.tokenCalls).toHaveLength(3);
    expect(rows.size).toBe(3);
  });

  it('ignores a stored token inside the refresh window', async () => {
    const store = createMemoryTokenStore();
    await source({ store }).getToken();
    now = T0 + 3500 * 1000;
    await source({ store }).getToken();
    expect(server.tokenCalls).toHaveLength(2);
  });

  it('invalidate() forgets the token, skips the store once and deletes it from the store', async () => {
    const deleted: string[] = [];
    const memory = createMemoryTokenStore();
    const store: TokenStore = { get: memory.get, set: memory.set, delete: (key) => void deleted.push(key) };
    const s = source({ store });
    const first = await s.getToken();
    await s.invalidate();
    expect(deleted).toHaveLength(1);
    const second = await s.getToken();
    expect(second).not.toBe(first);
    expect(server.tokenCalls).toHaveLength(2);
  });

  it('validates its options', () => {
    expect(() => source({ clientSecret: '' })).toThrow(/clientSecret/);
    expect(() => source({ issuer: 'not a url' })).toThrow(/issuer/);
    expect(() => source({ refreshBefore: -1 })).toThrow(/refreshBefore/);
    expect(() => source({ grant: 'password' as 'jwt-bearer' })).toThrow(/grant must be/);
  });
});
