/**
 * Issue #19 in the CLI (in-process) on a running server's store: `integration show` tells
 * when the integration was last used, when its secret was issued, when the previous one stops
 * working and how many live tokens it has; `disable`/`enable` are audited as their own actions;
 * `audit` filters by action, actor, target and time and shows what changed; the default grace of
 * `rotate-secret` is in its help; a second `env credentials` explains why the secret is null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { cliFor } from './helpers/cli.js';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { TestClock } from '@gatehouse/testing/clock';
import { token } from '@gatehouse/testing/http';

interface Event {
  action: string;
  actor: string;
  target: string | null;
  changes: Record<string, { before: unknown; after: unknown }> | null;
}

describe.each(HTTP_STORE_KINDS)('gatehouse CLI visibility and audit filters (%s)', { timeout: 600_000 }, (kind) => {
  let t: TestServer;
  let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  beforeAll(async () => {
    // The CLI runs on the real clock: the server's starts at the real time so its tokens are live for both.
    t = await startTestServer(kind, { clock: new TestClock(Date.now()) });
    cli = cliFor(t);
  });
  afterAll(() => t.close());

  it("integration show and list tell last use, secret age, the previous secret's end and live tokens", async () => {
    const c = await t.integration({ name: 'Nightly export', scopes: ['media:read'] });
    const createdAt = new Date(t.clock.seconds() * 1000).toISOString();
    expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(200);
    // The server writes last use in batches; the CLI reads the store, so it sees it after a flush.
    await t.server.runtime.usage.flush();
    await cli('integration', 'rotate-secret', c.client_id, '--grace', '3600', '--yes', '--json');
    const shown = JSON.parse((await cli('integration', 'show', c.client_id, '--json')).stdout) as Record<
      string,
      unknown
    >;
    expect(shown).toMatchObject({ last_used_at: new Date(t.clock.seconds() * 1000).toISOString(), live_tokens: 1 });
    expect(Date.parse(String(shown.secret_created_at))).toBeGreaterThanOrEqual(Date.parse(createdAt));
    expect(Date.parse(String(shown.previous_secret_expires_at)) - Date.now()).toBeGreaterThan(3500_000);

    const text = (await cli('integration', 'show', c.client_id)).stdout;
    expect(text).toMatch(/last used: +\d{4}-\d{2}-\d{2}T/);
    expect(text).toMatch(/secret created: +\d{4}-/);
    expect(text).toMatch(/previous secret: works until \d{4}-/);
    expect(text).toMatch(/live tokens: +1/);
    const list = (await cli('integration', 'list', '--env', 'default')).stdout;
    expect(list).toContain('LAST_USED_AT');
    expect(list).toContain('LIVE_TOKENS');
  });

  it('disable/enable are audited as their own actions; audit filters by action, actor, target and time and shows changes', async () => {
    const c = await t.integration({ name: 'Filtered', scopes: ['media:read'] });
    const before = new Date(t.clock.ms + 1).toISOString(); // after the creation (server clock), before the CLI's changes (real clock)
    await cli('integration', 'disable', c.client_id, '--json');
    await cli('integration', 'enable', c.client_id, '--json');
    const read = async (...args: string[]) =>
      JSON.parse((await cli('audit', '--env', 'default', '--json', ...args)).stdout) as Event[];

    const disabled = await read('--action', 'integration.disable', '--target', c.client_id);
    expect(disabled).toEqual([
      expect.objectContaining({
        action: 'integration.disable',
        actor: 'cli',
        target: c.client_id,
        changes: { enabled: { before: true, after: false } },
      }),
    ]);
    const family = await read(
      '--action',
      'integration.*',
      '--target',
      c.client_id,
      '--actor',
      'cli',
      '--since',
      before,
    );
    expect(family.map((e) => e.action)).toEqual(['integration.enable', 'integration.disable']);
    expect(await read('--target', c.client_id, '--until', before)).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'integration.create' })]),
    );
    expect((await read('--target', c.client_id, '--until', before)).map((e) => e.action)).not.toContain(
      'integration.disable',
    );

    const table = (await cli('audit', '--env', 'default', '--target', c.client_id, '--action', 'integration.disable'))
      .stdout;
    expect(table).toContain('CHANGES');
    expect(table).toContain('enabled: true → false');
    await expect(cli('audit', '--env', 'default', '--since', 'last tuesday')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('since'),
    });
  });

  it('rotate-secret documents its default grace; a second env credentials explains the null secret', async () => {
    const help = (await cli('integration', 'rotate-secret', '--help')).stdout;
    expect(help).toContain('default 0');
    expect(help).toContain('stops at once');
    await cli('env', 'credentials', 'default', '--json');
    const again = JSON.parse((await cli('env', 'credentials', 'default', '--json')).stdout) as Record<string, unknown>;
    expect(again.environment_secret).toBeNull();
    expect(again.environment_secret_note).toBe(
      'shown only once, at creation; rotate with gatehouse env rotate-secret default (or POST /api/v1/environments/default/credentials/rotate-secret)',
    );
  });
});
