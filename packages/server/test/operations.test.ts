/**
 * Operations: health, readiness, Prometheus metrics, and a scan of every log line this suite's
 * servers wrote for secrets, Authorization values, tokens and private keys (docs/security.md F-61, F-62).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import jwt from 'jsonwebtoken';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironmentSecret } from '../src/services/credentials.js';
import { rotateSecret } from '../src/services/integrations.js';
import { createEnvironment } from '../src/services/environments.js';
import { command } from '../src/services/command.js';
import { capturedLogs, startTestServer, testConfig, type TestServer } from '@gatehouse/testing/server';
import { createRuntime } from '../src/runtime.js';
import { openStore } from '../src/store/db.js';
import { UNTRACED, type Tracing } from '../src/telemetry/tracing.js';
import { basic, postForm, request, token } from '@gatehouse/testing/http';

describe('operations and log hygiene', () => {
  let t: TestServer;
  const metricsToken = 'metrics-token-for-operations';
  const secrets: string[] = [metricsToken];
  beforeAll(async () => {
    t = await startTestServer('sqlite', { config: { logLevel: 'trace', metricsToken } });
  });
  afterAll(() => t.close());

  it('answers /healthz, /readyz and /metrics', async () => {
    expect((await request(`${t.url}/healthz`)).body).toEqual({ status: 'ok' });
    expect((await request(`${t.url}/readyz`)).body).toEqual({ status: 'ready' });
    const c = await t.integration({ preset: 'read-only' });
    await token(t.url, c.client_id, c.client_secret);
    await token(t.url, c.client_id, c.client_secret);
    await token(t.url, c.client_id, 'wrong');
    const metrics = (await request(`${t.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text;
    expect(metrics).toMatch(/gatehouse_tokens_total\{outcome="minted"\} 1/);
    expect(metrics).toMatch(/gatehouse_tokens_total\{outcome="reused"\} 1/);
    expect(metrics).toMatch(/gatehouse_client_auth_failures_total\{reason="invalid_client"\} 1/);
    expect(metrics).toContain('gatehouse_http_request_duration_seconds_bucket');
    expect(metrics).toMatch(/gatehouse_store_query_duration_seconds_count\{result="ok"\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_bearer_verifications_total|gatehouse_tokens_total/);
  });

  it('F-61 no secret, Authorization value, token or private key appears in the logs', async () => {
    const c = await t.integration({ preset: 'all-permissions' });
    secrets.push(c.client_secret);
    const res = await token(t.url, c.client_id, c.client_secret);
    const at = String(res.body.access_token);
    secrets.push(at, basic(c.client_id, c.client_secret));
    await request(`${t.url}/api/v1/environments/default/projects`, { headers: { authorization: `Bearer ${at}` } });
    await request(`${t.url}/api/v1/environments/default/projects`, { headers: { authorization: `Bearer ${at}x` } });
    await postForm(t.url, {
      grant_type: 'client_credentials',
      client_id: c.client_id,
      client_secret: `${c.client_secret}-wrong`,
    });
    secrets.push(`${c.client_secret}-wrong`);
    await postForm(t.url, { token: at }, { authorization: basic(c.client_id, c.client_secret) }, '/oauth/introspect');
    const rotated = await rotateSecret(t.server.runtime.ctx, CLI_ACTOR, c.client_id, 60);
    secrets.push(rotated.client_secret);
    const creds = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, 'default');
    secrets.push(creds.environment_secret);
    const customer = jwt.sign(
      { id: 'u', iat: t.clock.seconds(), exp: t.clock.seconds() + 60 },
      creds.environment_secret,
      { issuer: creds.environment_key },
    );
    secrets.push(customer);
    await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${customer}` } });
    // Force an error path that logs.
    await request(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(c.client_id, rotated.client_secret) },
      body: '{"grant_type":"client_credentials","grant_type":"x"}',
    });

    const logs = capturedLogs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const s of secrets) expect(logs).not.toContain(s);
    expect(logs).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}/);
    expect(logs).not.toMatch(/"d":"[\w-]{20,}"/);
    expect(logs).not.toMatch(/wrong secret|unknown client/i);
  });

  it('F-62 the JWKS carries no private members', async () => {
    const keys = (await request(`${t.url}/.well-known/jwks.json`)).body.keys as Record<string, unknown>[];
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(Object.keys(k).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });
  it('with tracing on, every store query is handed to the trace and counted; a failed one as error in both', async () => {
    const queries: Array<{ dialect: string; sql: string; failed: boolean }> = [];
    const tracing: Tracing = {
      steps: UNTRACED,
      fastifyPlugin: (_app, _opts, done) => done(),
      logMixin: () => ({}),
      onQuery: (dialect, sql, _ms, failed) => void queries.push({ dialect, sql, failed }),
      flush: async () => undefined,
    };
    const store = await openStore({ dataDir: t.location.dataDir });
    const rt = await createRuntime(testConfig(t.location), { clock: t.clock, store, tracing });
    try {
      expect(queries.length).toBeGreaterThan(0);
      expect(queries.every((q) => q.dialect === 'sqlite' && !q.failed)).toBe(true);
      await expect(
        rt.ctx.store.db
          .selectFrom('no_such_table' as never)
          .selectAll()
          .execute(),
      ).rejects.toThrow(/no_such_table/);
      expect(queries.filter((q) => q.failed)).toEqual([
        { dialect: 'sqlite', sql: expect.stringContaining('no_such_table') as string, failed: true },
      ]);
      const counted = await rt.metrics.registry.getSingleMetricAsString('gatehouse_store_query_duration_seconds');
      expect(counted).toMatch(/^gatehouse_store_query_duration_seconds_count\{result="error"\} 1$/m);
      expect(counted).toMatch(/gatehouse_store_query_duration_seconds_count\{result="ok"\} [1-9]/);
    } finally {
      await rt.close();
    }
  });
  it("a command that changes nothing tells no cache; one that changes something is applied to this process's caches at once", async () => {
    const rt = t.server.runtime;
    const apply = vi.spyOn(rt.coherence, 'apply');
    try {
      expect(await command(rt.ctx, async () => 'nothing')).toBe('nothing');
      expect(apply.mock.calls.every(([changes]) => changes.length > 0)).toBe(true);
      const env = await createEnvironment(rt.ctx, CLI_ACTOR, 'ops-applied');
      expect(apply.mock.calls.some(([changes]) => changes.some((c) => c.ref === env.id))).toBe(true);
    } finally {
      apply.mockRestore();
    }
  });
});
