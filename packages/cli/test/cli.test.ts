/**
 * The CLI as a real process on the store of a running server: a change it makes is honoured by
 * the server within 1 s; `--json` output is machine-readable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { cliFor } from './helpers/cli.js';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postForm, token } from '@gatehouse/testing/http';
import { assertion, assertionForm, testKey, type TestKey } from '@gatehouse/testing/assertion';
import { within } from '@gatehouse/testing/within';

describe.each(HTTP_STORE_KINDS)('gatehouse CLI (%s)', (kind) => {
  let t: TestServer;
  let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  beforeAll(async () => {
    t = await startTestServer(kind);
    cli = cliFor(t);
  });
  afterAll(() => t.close());

  it('creates an integration whose token works, and a disable is honoured within 1 s', async () => {
    const { stdout } = await cli(
      'integration',
      'create',
      '--env',
      'default',
      '--name',
      'demo',
      '--preset',
      'read-only',
      '--json',
    );
    const created = JSON.parse(stdout) as { id: string; client_id: string; client_secret: string; scopes: string[] };
    expect(Object.keys(created).sort()).toEqual(['client_id', 'client_secret', 'id', 'scopes']);
    expect(created.scopes).toEqual(['projects:read', 'media:read', 'fonts:read']);
    const first = await token(t.url, created.client_id, created.client_secret);
    expect(first.status).toBe(200);
    expect((await token(t.url, created.client_id, created.client_secret)).body.access_token).toBe(
      first.body.access_token,
    );

    await cli('integration', 'disable', created.client_id, '--json');
    const took = await within(
      1000,
      async () => (await token(t.url, created.client_id, created.client_secret)).status === 401,
    );
    expect(took).toBeLessThanOrEqual(1000);
  });

  it('env create, env set and env list', async () => {
    await cli('env', 'create', 'acme', '--name', 'Acme');
    await cli('env', 'set', 'acme', '--token-lifetime', '7200', '--refresh-before', '600');
    const list = JSON.parse((await cli('env', 'list', '--json')).stdout) as {
      slug: string;
      token_lifetime: number;
      refresh_before: number;
    }[];
    expect(list.find((e) => e.slug === 'acme')).toMatchObject({ token_lifetime: 7200, refresh_before: 600 });
    const { stdout } = await cli(
      'integration',
      'create',
      '--env',
      'acme',
      '--name',
      'x',
      '--scopes',
      'media:read fonts:read',
      '--json',
    );
    const c = JSON.parse(stdout) as { client_id: string; client_secret: string };
    await settle(t);
    const res = await token(t.url, c.client_id, c.client_secret);
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(7200);
  });

  it('show and list never print secrets; errors are one line with a non-zero exit', async () => {
    const { stdout } = await cli(
      'integration',
      'create',
      '--env',
      'default',
      '--name',
      'shown',
      '--preset',
      'all-permissions',
      '--json',
    );
    const c = JSON.parse(stdout) as { client_id: string; client_secret: string };
    const show = (await cli('integration', 'show', c.client_id, '--json')).stdout;
    const list = (await cli('integration', 'list', '--env', 'default', '--json')).stdout;
    for (const out of [show, list]) {
      expect(out).not.toContain(c.client_secret);
      expect(out).not.toMatch(/secret_hash|hash/);
    }
    expect(JSON.parse(show)).toMatchObject({ client_id: c.client_id, enabled: true, environment: 'default' });
    await expect(cli('integration', 'show', 'nope', '--json')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('not_found'),
    });
    await expect(
      cli('integration', 'create', '--env', 'default', '--name', 'bad', '--scopes', 'admin'),
    ).rejects.toMatchObject({ code: 1 });
  });

  it('delete with --yes removes the integration; the token endpoint refuses it within 1 s', async () => {
    const c = JSON.parse(
      (await cli('integration', 'create', '--env', 'default', '--name', 'del', '--preset', 'read-only', '--json'))
        .stdout,
    ) as { client_id: string; client_secret: string };
    await settle(t);
    expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(200);
    await cli('integration', 'delete', c.client_id, '--yes');
    await settle(t);
    expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(401);
  });

  it("audit --env shows an environment's events; audit --server the server-wide ones (keys, administrators)", async () => {
    await cli('keys', 'rotate');
    const server = JSON.parse((await cli('audit', '--server', '--json')).stdout) as {
      environment: string | null;
      action: string;
      actor: string;
    }[];
    expect(server.find((e) => e.action === 'keys.rotate')).toMatchObject({ environment: null, actor: 'cli' });
    const env = JSON.parse((await cli('audit', '--env', 'default', '--json')).stdout) as {
      environment: string;
      action: string;
    }[];
    expect(env.some((e) => e.action === 'integration.delete')).toBe(true);
    expect(env.every((e) => e.environment === 'default')).toBe(true);
    await expect(cli('audit')).rejects.toMatchObject({
      stderr: expect.stringContaining('either --env <slug> or --server'),
    });
    await expect(cli('audit', '--env', 'default', '--server')).rejects.toMatchObject({ code: 1 });
  });

  it('creates a key-only integration from a JWKS file; add-key, list-keys and remove-key manage its keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-keys-'));
    try {
      const [first, second] = [await testKey('ES256', 'first'), await testKey('ES256', 'second')];
      writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [first.jwk] }));
      writeFileSync(join(dir, 'jwk.json'), JSON.stringify(second.jwk));
      const { stdout } = await cli(
        'integration',
        'create',
        '--env',
        'default',
        '--name',
        'signer',
        '--preset',
        'read-only',
        '--auth-method',
        'private_key_jwt',
        '--jwks-file',
        join(dir, 'jwks.json'),
        '--json',
      );
      const created = JSON.parse(stdout) as {
        client_id: string;
        client_secret?: string;
        token_endpoint_auth_method: string;
      };
      expect(created.client_secret).toBeUndefined();
      expect(created.token_endpoint_auth_method).toBe('private_key_jwt');
      const viaKey = async (k: TestKey) =>
        (await postForm(t.url, assertionForm(await assertion(k, created.client_id, { now: t.clock.seconds() }))))
          .status;
      await settle(t);
      expect(await viaKey(first)).toBe(200);
      await cli('integration', 'add-key', created.client_id, '--jwk-file', join(dir, 'jwk.json'), '--json');
      const listed = JSON.parse((await cli('integration', 'list-keys', created.client_id, '--json')).stdout) as {
        kid: string;
      }[];
      expect(listed.map((k) => k.kid)).toEqual(['first', 'second']);
      await cli('integration', 'remove-key', created.client_id, '--kid', 'first', '--json');
      expect(
        await within(1000, async () => (await viaKey(second)) === 200 && (await viaKey(first)) === 401),
      ).toBeLessThanOrEqual(1000);
      // A key-only integration has no secret to rotate: a clear refusal, and it stays key-only.
      await expect(cli('integration', 'rotate-secret', created.client_id)).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('this integration has no secret: it authenticates with private_key_jwt'),
      });
      await expect(cli('integration', 'rotate-secret', created.client_id, '--json')).rejects.toMatchObject({
        stderr: expect.stringContaining('"error":"conflict"'),
      });
      expect(await viaKey(second)).toBe(200);
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
          'private_key_jwt',
        ),
      ).rejects.toMatchObject({ code: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
