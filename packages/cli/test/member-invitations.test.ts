/**
 * `gatehouse member invitations|revoke-invitation` as real processes against a running server's
 * store: the list shows pending invitations only (never a link), a revoked invitation's link is
 * refused by the server, and revoking what isn't pending fails with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { accept } from '../../server/test/member-helpers.js';
import { cliFor } from './helpers/cli.js';

interface Listed {
  id: string;
  email: string;
  role: string;
  invited_by: string;
  created_at: string;
  expires_at: string;
}

describe.each(STORE_KINDS)('gatehouse member invitations (%s)', (kind) => {
  let t: TestServer;
  let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: { requestTimeoutMs: 10_000 } });
    cli = cliFor(t);
  });
  afterAll(() => t.close());

  const invite = async (email: string, role: string) =>
    (
      JSON.parse(
        (await cli('member', 'invite', '--env', 'default', '--email', email, '--role', role, '--json')).stdout,
      ) as { link: string }
    ).link
      .split('/')
      .pop()!;
  const pending = async () =>
    JSON.parse((await cli('member', 'invitations', '--env', 'default', '--json')).stdout) as Listed[];

  it(
    'lists pending invitations, revokes one (its link is refused), refuses what is not pending',
    { timeout: 180_000 },
    async () => {
      expect((await cli('member', 'invitations', '--env', 'default')).stdout).toMatch(/No pending invitations/);
      const wrong = await invite('wrong@tenant.test', 'owner');
      const right = await invite('right@tenant.test', 'viewer');
      const listed = await pending();
      expect(listed.map((i) => [i.email, i.role, i.invited_by])).toEqual([
        ['wrong@tenant.test', 'owner', 'cli'],
        ['right@tenant.test', 'viewer', 'cli'],
      ]);
      const human = (await cli('member', 'invitations', '--env', 'default')).stdout;
      expect(human).toMatch(/wrong@tenant\.test\s+owner/);
      for (const token of [wrong, right]) expect(human + JSON.stringify(listed)).not.toContain(token);

      const id = listed[0]!.id;
      const revoked = JSON.parse(
        (await cli('member', 'revoke-invitation', id, '--env', 'default', '--yes', '--json')).stdout,
      ) as Record<string, string>;
      expect(revoked).toEqual({ revoked: id, email: 'wrong@tenant.test', role: 'owner', environment: 'default' });
      expect((await pending()).map((i) => i.email)).toEqual(['right@tenant.test']);
      const refused = await accept(t, wrong);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_invitation');

      // Again, or an unknown id: exit 1 with a clear message; the other invitation still works.
      for (const again of [id, 'inv_nope'])
        await expect(cli('member', 'revoke-invitation', again, '--env', 'default', '--yes')).rejects.toMatchObject({
          code: 1,
          stderr: expect.stringMatching(/invitation not found/),
        });
      expect((await accept(t, right)).status).toBe(200);
      expect(await pending()).toEqual([]);
    },
  );
});
