/**
 * `createTokenSource({ federatedToken })` (issue #26) against a REAL Gatehouse (SQLite) trusting a
 * Kubernetes-shaped local issuer: the token as a string, a function (sync or async) or `{ file }`
 * re-read for each token request, sent as the client assertion or as the JWT bearer grant.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { CLI_ACTOR, integrations } from '@gatehouse/server';
import { startPlatformIssuer, type PlatformIssuer } from '@gatehouse/testing/platform-issuer';
import { ArgumentError, createTokenSource, type TokenSourceOptions } from '../src/index.js';
import { ISSUER, issuerFetch, startTestServer, type TestServer } from './helpers/real-gatehouse.js';

describe('createTokenSource with a federated token (real Gatehouse)', () => {
  let t: TestServer;
  let k8s: PlatformIssuer;
  let clientId: string;
  let dir: string;
  let seen: Parameters<typeof issuerFetch>[1] & object;

  beforeAll(async () => {
    k8s = await startPlatformIssuer();
    t = await startTestServer('sqlite', { config: { jwksUriAllowedHosts: [k8s.host] } });
    ({ client_id: clientId } = await t.integration({ preset: 'read-only' }));
    await integrations.addFederatedCredential(t.server.runtime.ctx, CLI_ACTOR, clientId, {
      issuer: k8s.issuer,
      subject: 'system:serviceaccount:payments:api',
      claims: { 'kubernetes.io.namespace': 'payments' },
    });
    await t.server.runtime.changes.poll();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-federated-'));
  });
  afterAll(async () => {
    await t.close();
    await k8s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const saToken = () => k8s.serviceAccountToken('payments', 'api', ISSUER, t.clock.seconds());
  const source = (extra: Partial<TokenSourceOptions>) => {
    seen = [];
    return createTokenSource({ issuer: ISSUER, fetch: issuerFetch(t.url, seen), clock: () => t.clock.now(), ...extra });
  };
  const forms = () => seen.filter((r) => r.url.endsWith('/oauth/token')).map((r) => new URLSearchParams(r.body));

  it('a string token as client_assertion, without client_id: a token of the integration', async () => {
    const token = await saToken();
    const s = source({ federatedToken: token });
    expect(decodeJwt(await s.getToken())['client_id']).toBe(clientId);
    const [form] = forms();
    expect(form!.get('client_assertion')).toBe(token);
    expect(form!.get('client_id')).toBeNull();
    expect(form!.get('grant_type')).toBe('client_credentials');
  });

  it('an async function with grant jwt-bearer: the assertion parameter, no client authentication', async () => {
    const s = source({ federatedToken: async () => saToken(), grant: 'jwt-bearer', scope: 'projects:read' });
    expect((await s.getTokenResponse()).scope).toBe('projects:read');
    const [form] = forms();
    expect(form!.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(form!.get('assertion')).toBeTruthy();
    expect(form!.get('client_assertion')).toBeNull();
    expect(seen.some((r) => 'authorization' in r.headers)).toBe(false);
  });

  it('{ file } is re-read for each token request (the kubelet rewrites it)', async () => {
    const file = join(dir, 'token');
    const first = await saToken();
    writeFileSync(file, `${first}\n`);
    const s = source({ federatedToken: { file }, clientId });
    await s.getToken();
    t.clock.advance(1);
    const second = await saToken();
    writeFileSync(file, second);
    await s.invalidate();
    await s.getToken();
    expect(forms().map((f) => f.get('client_assertion'))).toEqual([first, second]);
  });

  it('refuses a wrong shape, jwt-bearer without a federated token, and a federated token beside a secret', () => {
    expect(() => source({ federatedToken: 42 as unknown as string })).toThrow(ArgumentError);
    expect(() => source({ clientId, clientSecret: 's', grant: 'jwt-bearer' })).toThrow(ArgumentError);
    expect(() => source({ clientId, clientSecret: 's', federatedToken: 'x' })).toThrow(ArgumentError);
  });

  it('exchangeToken with grant jwt-bearer is refused before any token request (it needs client authentication)', async () => {
    const s = source({ federatedToken: () => 'never-sent', grant: 'jwt-bearer' });
    await expect(s.exchangeToken({ subjectToken: 'subject' })).rejects.toThrow(ArgumentError);
    await expect(s.exchangeToken({ subjectToken: 'subject' })).rejects.toThrow(/client authentication/);
    expect(forms()).toHaveLength(0);
  });
});
