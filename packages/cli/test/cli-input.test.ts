/**
 * CLI input and errors (issue #25 item 5), in-process: names are checked with the API's schemas
 * (nothing is created when refused); long names are cut in tables; unknown options and commands are
 * named with a suggestion; a missing environment is named with the existing ones; `--jwks-file`
 * takes a PEM public key (converted to a JWK) and a bare JWK; a taken port names `--port`.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { cliFor, runCli, storeFlags } from './helpers/cli.js';

describe.each(HTTP_STORE_KINDS)('CLI input and errors (%s)', (kind) => {
  let t: TestServer;
  let dir: string;
  let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  const raw = (...args: string[]) => runCli([...storeFlags(t.location), ...args]);
  const count = async () =>
    (JSON.parse((await cli('integration', 'list', '--env', 'default', '--json')).stdout) as unknown[]).length;
  beforeAll(async () => {
    t = await startTestServer(kind);
    cli = cliFor(t);
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-input-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('refuses an empty or too long name as the API does, naming the option; nothing is created', async () => {
    const before = await count();
    for (const name of ['', 'x'.repeat(5000)]) {
      const r = await raw('integration', 'create', '--env', 'default', '--name', name, '--preset', 'read-only');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`gatehouse: --name: must be 1 to 200 characters long, got ${name.length}\n`);
    }
    const { client_id } = await t.integration({ name: 'kept' });
    const renamed = await raw('integration', 'set', client_id, '--name', '');
    expect([renamed.code, renamed.stderr]).toEqual([1, 'gatehouse: --name: must be 1 to 200 characters long, got 0\n']);
    const api = await raw('api', 'create', '--env', 'default', '--name', 'n', '--audience', 'a'.repeat(501));
    expect(api.stderr).toContain('--audience: must be 1 to 500 characters long, got 501');
    const env = await raw('env', 'create', 'longname', '--name', 'e'.repeat(201));
    expect(env.stderr).toContain('--name: must be 1 to 200 characters long, got 201');
    expect(await count()).toBe(before + 1);
  });

  it('cuts long names in tables with an ellipsis; `show` and --json keep them whole', async () => {
    const name = `${'Long name '.repeat(10)}end`;
    const { client_id } = await t.integration({ name });
    const line = (await cli('integration', 'list', '--env', 'default')).stdout
      .split('\n')
      .find((l) => l.startsWith(client_id))!;
    expect(line).toContain(`${name.slice(0, 39)}…`);
    expect(line).not.toContain('end');
    expect((await cli('integration', 'show', client_id)).stdout).toContain(name);
  });

  it('names an unknown option or command with a suggestion, before a missing required option', async () => {
    const option = await raw('integration', 'list', '--evn', 'default');
    expect(option.code).not.toBe(0);
    expect(option.stderr).toMatch(/unknown option '--evn'\s*\(Did you mean --env\?\)/);
    expect(option.stderr).not.toContain('required option');
    const command = await raw('integraton', 'list');
    expect(command.stderr).toMatch(/unknown command 'integraton'\s*\(Did you mean integration\?\)/);
  });

  it('names a missing environment and lists the existing ones', async () => {
    await cli('env', 'create', 'staging');
    const r = await raw('integration', 'list', '--env', 'prod');
    expect([r.code, r.stderr]).toEqual([
      1,
      'gatehouse: environment "prod" not found; the environments are: default, staging\n',
    ]);
    const json = await raw('env', 'set', 'prod', '--token-lifetime', '600', '--json');
    expect(JSON.parse(json.stderr)).toEqual({
      error: 'not_found',
      error_description: 'environment "prod" not found; the environments are: default, staging',
    });
  });

  it('--jwks-file takes a PEM public key (converted to a JWK) or a bare JWK; a private key is refused', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = join(dir, 'public.pem');
    writeFileSync(pem, ec.publicKey.export({ type: 'spki', format: 'pem' }));
    const fromPem = JSON.parse(
      (
        await cli(
          ...['integration', 'create', '--env', 'default', '--name', 'pem', '--preset', 'read-only'],
          ...['--auth-method', 'private_key_jwt', '--jwks-file', pem, '--json'],
        )
      ).stdout,
    ) as { client_id: string };
    const keys = JSON.parse((await cli('integration', 'list-keys', fromPem.client_id, '--json')).stdout) as {
      alg: string;
      kty: string;
    }[];
    expect(keys.map((k) => [k.kty, k.alg])).toEqual([['EC', 'ES256']]);

    const jwk = join(dir, 'one.jwk');
    writeFileSync(jwk, JSON.stringify(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' })));
    await cli('integration', 'add-key', fromPem.client_id, '--jwks-file', jwk);
    const after = JSON.parse((await cli('integration', 'list-keys', fromPem.client_id, '--json')).stdout) as unknown[];
    expect(after).toHaveLength(2);

    const priv = join(dir, 'private.pem');
    writeFileSync(priv, ec.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const refused = await raw('integration', 'add-key', fromPem.client_id, '--jwk-file', priv);
    expect(refused.stderr).toContain('this is a PRIVATE key; give the public key (openssl pkey -in KEY -pubout)');
    const dh = join(dir, 'x25519.pem');
    writeFileSync(dh, generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const unconvertible = await raw('integration', 'add-key', fromPem.client_id, '--jwk-file', dh);
    expect(unconvertible.stderr).toContain("can't convert this PEM public key (x25519) to a JWK");
  });

  it('a port in use is named with --port', async () => {
    const port = new URL(t.url).port;
    const r = await raw('serve', '--port', port);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `gatehouse: port ${port} is already in use (another Gatehouse?): pick another with --port N or GATEHOUSE_PORT\n`,
    );
  });
});
