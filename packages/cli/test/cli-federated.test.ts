/**
 * `gatehouse integration add-federated-credential|list-federated-credentials|remove-federated-credential`
 * (issue #26): the server's issuer rules (GATEHOUSE_JWKS_URI_ALLOWED_HOSTS included), a duplicate
 * (issuer, subject) a non-zero exit naming the holder, and the credential honoured at /oauth/token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT } from '@gatehouse/contracts';
import { HTTP_STORE_KINDS, MASTER_KEY } from '@gatehouse/testing/stores';
import { ISSUER, settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { postForm } from '@gatehouse/testing/http';
import { startPlatformIssuer, type PlatformIssuer } from '@gatehouse/testing/platform-issuer';
import { orReject, runCli, storeFlags } from './helpers/cli.js';

describe.each(HTTP_STORE_KINDS)('gatehouse integration …-federated-credential (%s)', (kind) => {
  let t: TestServer;
  let k8s: PlatformIssuer;
  let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  beforeAll(async () => {
    k8s = await startPlatformIssuer();
    t = await startTestServer(kind, { config: { jwksUriAllowedHosts: [k8s.host] } });
    const env = { ...process.env, GATEHOUSE_MASTER_KEY: MASTER_KEY, GATEHOUSE_JWKS_URI_ALLOWED_HOSTS: k8s.host };
    cli = (...args) => orReject(runCli([...storeFlags(t.location), ...args], { env }));
  });
  afterAll(async () => {
    await t.close();
    await k8s.close();
  });

  it('adds, lists and removes a credential; the token endpoint honours it; a duplicate exits non-zero naming the holder', async () => {
    const a = await t.integration({ preset: 'read-only' });
    const sub = 'system:serviceaccount:payments:api';
    const { stdout } = await cli(
      'integration',
      'add-federated-credential',
      a.client_id,
      '--issuer',
      k8s.issuer,
      '--subject',
      sub,
      '--claim',
      'kubernetes.io.namespace=payments',
      '--json',
    );
    const { id } = JSON.parse(stdout) as { id: string };
    expect(id).toMatch(/^fc_/);
    const listed = JSON.parse((await cli('integration', 'list-federated-credentials', a.client_id, '--json')).stdout);
    expect(listed).toMatchObject([
      { id, issuer: k8s.issuer, subject: sub, claims: { 'kubernetes.io.namespace': 'payments' } },
    ]);
    await settle(t);
    const token = await k8s.serviceAccountToken('payments', 'api', ISSUER, t.clock.seconds());
    const res = await postForm(t.url, { grant_type: JWT_BEARER_GRANT, assertion: token });
    expect(res.status, res.text).toBe(200);

    const b = await t.integration({ preset: 'read-only' });
    const dup = cli('integration', 'add-federated-credential', b.client_id, '--issuer', k8s.issuer, '--subject', sub);
    await expect(dup).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(a.client_id) });

    await cli('integration', 'remove-federated-credential', a.client_id, '--id', id, '--json');
    expect(JSON.parse((await cli('integration', 'list-federated-credentials', a.client_id, '--json')).stdout)).toEqual(
      [],
    );
  });

  it('creates an integration that holds only a federated credential (--auth-method federated)', async () => {
    const sub = 'system:serviceaccount:jobs:nightly';
    const { stdout } = await cli(
      'integration',
      'create',
      '--env',
      'default',
      '--name',
      'nightly',
      '--preset',
      'read-only',
      '--auth-method',
      'federated',
      '--issuer',
      k8s.issuer,
      '--subject',
      sub,
      '--claim',
      'kubernetes.io.namespace=jobs',
      '--json',
    );
    const created = JSON.parse(stdout) as { client_id: string; client_secret?: string };
    expect(created.client_secret).toBeUndefined();
    await settle(t);
    const token = await k8s.serviceAccountToken('jobs', 'nightly', ISSUER, t.clock.seconds());
    const res = await postForm(t.url, { grant_type: JWT_BEARER_GRANT, assertion: token });
    expect(res.status, res.text).toBe(200);
    await expect(
      cli(
        'integration',
        'create',
        '--env',
        'default',
        '--name',
        'x',
        '--preset',
        'read-only',
        '--auth-method',
        'federated',
      ),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--issuer and --subject') });
  });

  it('applies the issuer rules: plain http outside the allowed hosts is refused', async () => {
    const a = await t.integration({ preset: 'read-only' });
    const bad = cli(
      'integration',
      'add-federated-credential',
      a.client_id,
      '--issuer',
      'http://example.com',
      '--subject',
      's',
    );
    await expect(bad).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('issuer must be an https URL'),
    });
  });
});
