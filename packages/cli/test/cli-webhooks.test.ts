/**
 * `gatehouse webhook …` (issue #28) in-process: add (the secret printed once), list, test,
 * deliveries, redeliver, rotate-secret and remove, for an environment and server-wide; exactly one
 * of --env/--server; the URL rules with the CLI's own GATEHOUSE_WEBHOOK_ALLOWED_HOSTS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS, MASTER_KEY } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { tamper } from '@gatehouse/testing/tamper';
import { orReject, runCli, storeFlags } from './helpers/cli.js';

const HOOK = 'https://hooks.example.com/gatehouse';

describe.each(HTTP_STORE_KINDS)('gatehouse webhook … (%s)', (kind) => {
  let t: TestServer;
  const env = { ...process.env, GATEHOUSE_MASTER_KEY: MASTER_KEY, GATEHOUSE_WEBHOOK_ALLOWED_HOSTS: '' };
  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    runCli([...storeFlags(t.location), ...args], { env: { ...env, ...extraEnv } });
  const cli = (...args: string[]) => orReject(run(args));
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse((await cli(...args, '--json')).stdout) as T;

  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.close());

  it('add prints the id and the secret once; list never shows it; test, deliveries, redeliver; remove', async () => {
    const added = await json<{ id: string; secret: string; events: string[]; enabled: boolean; environment: string }>(
      'webhook',
      'add',
      '--env',
      'default',
      '--url',
      HOOK,
      '--events',
      'integration.*, member.*',
    );
    expect(Object.keys(added).slice(0, 2)).toEqual(['id', 'secret']);
    expect(added).toMatchObject({ environment: 'default', events: ['integration.*', 'member.*'], enabled: true });
    expect(added.id).toMatch(/^whk_/);
    expect(added.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const human = (await cli('webhook', 'list', '--env', 'default')).stdout;
    expect(human).toContain(added.id);
    expect(human).not.toContain(added.secret.slice(6));
    const listed = await json<{ id: string }[]>('webhook', 'list', '--env', 'default');
    expect(listed.map((e) => e.id)).toEqual([added.id]);
    expect(JSON.stringify(listed)).not.toContain('whsec_');

    const test = await json<{ id: string; type: string; status: string }>(
      'webhook',
      'test',
      added.id,
      '--env',
      'default',
    );
    expect(test).toMatchObject({ type: 'webhook.test', status: 'pending' });
    const log = await json<{ id: string }[]>('webhook', 'deliveries', added.id, '--env', 'default', '--limit', '5');
    expect(log.map((d) => d.id)).toEqual([test.id]);
    await tamper(t).recordWebhookAttempt(test.id, {
      status: 'delivered',
      statusCode: 204,
      latencyMs: 12,
      error: null,
      atMs: t.clock.now(),
    });
    const again = await json<{ id: string; status: string }>(
      'webhook',
      'redeliver',
      added.id,
      test.id,
      '--env',
      'default',
    );
    expect(again).toMatchObject({ id: test.id, status: 'pending' });

    const events = await stored(t).auditEvents({ target: added.id });
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['webhook.create', 'cli'],
      ['webhook.test', 'cli'],
      ['webhook.redeliver', 'cli'],
    ]);

    const { stdout } = await cli('webhook', 'remove', added.id, '--env', 'default');
    expect(stdout).toContain(`Removed webhook endpoint ${added.id}`);
    expect(await json<unknown[]>('webhook', 'list', '--env', 'default')).toEqual([]);
  });

  it('server-wide endpoints with --server; rotate-secret prints the new secret and keeps the previous one for the grace period', async () => {
    const added = await json<{ id: string; secret: string; environment: null }>(
      'webhook',
      'add',
      '--server',
      '--url',
      HOOK,
      '--disabled',
    );
    expect(added).toMatchObject({ environment: null, enabled: false });
    const before = Math.floor(Date.now() / 1000);
    const rotated = await json<{ id: string; secret: string; previous_secret_expires_at: string }>(
      'webhook',
      'rotate-secret',
      added.id,
      '--server',
      '--grace-seconds',
      '60',
    );
    expect(Object.keys(rotated).slice(0, 2)).toEqual(['id', 'secret']);
    expect(rotated.secret).not.toBe(added.secret);
    // The CLI runs on the wall clock: the previous secret signs 60 s more.
    const expires = Date.parse(rotated.previous_secret_expires_at) / 1000;
    expect(expires).toBeGreaterThanOrEqual(before + 60);
    expect(expires).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 60);
    const human = (await cli('webhook', 'rotate-secret', added.id, '--server')).stdout;
    expect(human).toMatch(/shown once.*whsec_/);
    expect((await json<{ id: string }[]>('webhook', 'list', '--server')).map((e) => e.id)).toEqual([added.id]);
    // Not through an environment.
    const res = await run(['webhook', 'remove', added.id, '--env', 'default']);
    expect(res).toMatchObject({ code: 1, stderr: expect.stringContaining('webhook endpoint not found') });
  });

  it('exactly one of --env and --server', async () => {
    for (const scope of [[], ['--env', 'default', '--server']]) {
      const res = await run(['webhook', 'list', ...scope]);
      expect(res).toMatchObject({ code: 1, stderr: expect.stringContaining('either --env <slug> or --server') });
    }
  });

  it("applies the URL rules, with the CLI's GATEHOUSE_WEBHOOK_ALLOWED_HOSTS", async () => {
    for (const url of ['http://hooks.example.com/', 'https://10.0.0.1/', 'https://u:p@hooks.example.com/']) {
      const res = await run(['webhook', 'add', '--env', 'default', '--url', url]);
      expect([url, res.code]).toEqual([url, 1]);
      expect(res.stderr).toMatch(/url must/);
    }
    const bad = await run(['webhook', 'add', '--env', 'default', '--url', HOOK, '--events', 'Nope']);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('events') });
    const local = 'http://localhost:8080/hook';
    const allowed = await run(['webhook', 'add', '--env', 'default', '--url', local, '--json'], {
      GATEHOUSE_WEBHOOK_ALLOWED_HOSTS: 'localhost:8080',
    });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ url: local });
  });
});
