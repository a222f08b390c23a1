/**
 * The CLI knows where the server is (issue #25 item 1): a server started without GATEHOUSE_ISSUER
 * on a port other than 4000 records its public URL in the store, and the CLI's invitation links,
 * the Environment API audience it shows and `gatehouse token` use it; a server that can't be
 * reached is named.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS, MASTER_KEY } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { runCli, storeFlags } from './helpers/cli.js';

describe.each(HTTP_STORE_KINDS)('the CLI uses the URL the server recorded (%s)', (kind) => {
  let t: TestServer;
  let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  /** The CLI's environment: nothing says where the server is. */
  const env = () => {
    const e: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_MASTER_KEY: MASTER_KEY };
    delete e.GATEHOUSE_ISSUER;
    delete e.GATEHOUSE_AUDIENCE;
    return e;
  };
  beforeAll(async () => {
    // No issuer: the server's public URL is its listen address (as with `serve --port N`).
    t = await startTestServer(kind, { config: { issuer: undefined, port: await freePort() } });
    cli = (...args) =>
      runCli([...storeFlags(t.location), ...args], { env: env() }).then((r) =>
        r.code === 0 ? r : Promise.reject(new Error(r.stderr)),
      );
  });
  afterAll(() => t.close());

  it('the server recorded its listen URL; invitation links, audiences and `token` use it', async () => {
    expect(t.url).not.toMatch(/:4000$/);
    expect(t.server.publicUrl).toBe(t.url);
    const invite = JSON.parse(
      (await cli('member', 'invite', '--env', 'default', '--email', 'a@example.com', '--role', 'viewer', '--json'))
        .stdout,
    ) as { link: string };
    expect(invite.link.startsWith(`${t.url}/console/invitations/`)).toBe(true);

    const created = JSON.parse(
      (await cli('integration', 'create', '--env', 'default', '--name', 'urls', '--preset', 'read-only', '--json'))
        .stdout,
    ) as { client_id: string; client_secret: string };
    const shown = (await cli('integration', 'show', created.client_id)).stdout;
    expect(shown).toContain(`${t.url}:`);
    expect(shown).not.toContain('4000');

    const got = JSON.parse(
      (await cli('token', '--client-id', created.client_id, '--client-secret', created.client_secret, '--json')).stdout,
    ) as { access_token: string };
    const claims = JSON.parse(Buffer.from(got.access_token.split('.')[1]!, 'base64url').toString()) as {
      iss: string;
      aud: string;
    };
    expect([claims.iss, claims.aud]).toEqual([t.url, t.url]);
  });

  it('`token` at a server that does not answer names the URL it tried', async () => {
    const r = await runCli(['token', '--client-id', 'x', '--client-secret', 'y', '--issuer', 'http://127.0.0.1:9'], {
      env: env(),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('could not reach http://127.0.0.1:9/oauth/token');
    expect(r.stderr).toContain('--issuer');
  });

  it('GATEHOUSE_ISSUER given to the CLI wins over the recorded URL', async () => {
    const r = await runCli(
      [
        ...storeFlags(t.location),
        'member',
        'invite',
        '--env',
        'default',
        '--email',
        'b@example.com',
        '--role',
        'viewer',
        '--json',
      ],
      { env: { ...env(), GATEHOUSE_ISSUER: 'https://public.example' } },
    );
    expect((JSON.parse(r.stdout) as { link: string }).link).toMatch(
      /^https:\/\/public\.example\/console\/invitations\//,
    );
  });
});

/** A port nobody listens on now (the OS's pick of an ephemeral one). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
