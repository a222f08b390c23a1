/**
 * `gatehouse serve --workers 2` as a real process: two workers share the port and the store, so
 * they hand out one reused token and honour a revocation made through either; a worker killed
 * with SIGKILL is replaced; SIGTERM drains both and the primary exits 0. Workers that cannot start
 * stop the primary instead of restarting in a loop.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, newStoreLocation, type StoreLocation } from '@gatehouse/testing/stores';
import { startNode, type NodeProcess } from '@gatehouse/testing/node-process';
import { basic, postForm, request, token } from '@gatehouse/testing/http';
import { within } from '@gatehouse/testing/within';
import { openContext } from '../../../src/runtime.js';
import { testConfig } from '@gatehouse/testing/server';
import { CLI_ACTOR, type Context } from '../../../src/context.js';
import { createIntegration } from '../../../src/services/integrations.js';

const ISSUER = 'https://gatehouse.workers.test';

/** Pids of the primary's live workers: its children running the CLI (not, say, an esbuild service). */
function workersOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'cli/bin/gatehouse\\.m?js'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe.each(STORE_KINDS)('serve --workers 2 (%s)', (kind) => {
  let location: StoreLocation;
  let node: NodeProcess;
  let ctx: Context;
  beforeAll(async () => {
    location = newStoreLocation(kind);
    ctx = await openContext(testConfig(location, { issuer: ISSUER }));
    node = await startNode(location, ISSUER, { GATEHOUSE_WORKERS: '2' });
    // Each worker loads the CLI bundle: slow under a loaded CI.
    await within(30_000, () => workersOf(node.child.pid!).length === 2).catch((err: Error) => {
      throw new Error(`${err.message}: ${node.output().slice(-2000)}`);
    });
  }, 120_000);
  afterAll(async () => {
    node?.kill('SIGKILL');
    for (const pid of node ? workersOf(node.child.pid!) : []) process.kill(pid, 'SIGKILL');
    await ctx?.store.close();
    await location?.dispose();
  });

  it('both workers hand out one reused token and honour a revocation made through either within 1 s', async () => {
    const c = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'w', preset: 'read-only' });
    await within(1000, async () => (await token(node.url, c.client_id, c.client_secret)).status === 200);
    const tokens = new Set<string>();
    for (let i = 0; i < 20; i++)
      tokens.add(String((await token(node.url, c.client_id, c.client_secret)).body.access_token));
    expect(tokens.size).toBe(1);
    const [tok] = [...tokens];
    const media = () =>
      request(`${node.url}/api/v1/environments/default/media`, { headers: { authorization: `Bearer ${tok}` } });
    expect((await media()).status).toBe(200);
    expect(
      (
        await postForm(
          node.url,
          { token: tok! },
          { authorization: basic(c.client_id, c.client_secret) },
          '/oauth/revoke',
        )
      ).status,
    ).toBe(200);
    await within(1000, async () => {
      const statuses = await Promise.all(Array.from({ length: 10 }, async () => (await media()).status));
      return statuses.every((s) => s === 401);
    });
    expect((await token(node.url, c.client_id, c.client_secret)).body.access_token).not.toBe(tok);
  });

  it('a worker killed with SIGKILL is replaced; SIGTERM drains both and the primary exits 0', async () => {
    const [victim] = workersOf(node.child.pid!);
    process.kill(victim!, 'SIGKILL');
    await within(30_000, () => {
      const now = workersOf(node.child.pid!);
      return now.length === 2 && !now.includes(victim!);
    });
    // Keep-alive connections to the killed worker are gone; a new one reaches a live worker.
    await within(5000, async () => (await request(`${node.url}/healthz`).catch(() => ({ status: 0 }))).status === 200);
    const workers = workersOf(node.child.pid!);
    node.kill('SIGTERM');
    const started = Date.now();
    expect(await node.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});

describe('serve --workers 2 on a port already taken', () => {
  it('the workers fail to listen: tried 3 times, then the primary stops them and exits 1 instead of restarting them in a loop', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const location = newStoreLocation('sqlite');
    try {
      const bin = fileURLToPath(new URL('../../../../cli/bin/gatehouse.mjs', import.meta.url));
      const child = spawn(
        process.execPath,
        [bin, '--data', location.dataDir, 'serve', '--port', String(port), '--workers', '2'],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let err = '';
      child.stderr.on('data', (d) => (err += String(d)));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code, err).toBe(1);
      expect(err).toContain('failed to start (1) 3 times in a row; stopping');
      expect(err.match(/failed to start/g)).toHaveLength(3);
    } finally {
      blocker.close();
      await location.dispose();
    }
  }, 90_000);
});
