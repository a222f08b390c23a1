/**
 * `gatehouse member invite|list|set-role|remove|invitations|revoke-invitation` as real processes
 * against a running server's store: the invitation link printed once works in the server (J-92),
 * roles change there; pending invitations are listed (never a link) and a revoked one's link is
 * refused by the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PendingInvitation } from '@gatehouse/contracts';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { call } from '../../server/test/management-helpers.js';
import { accept, sessionOf } from '../../server/test/member-helpers.js';
import { cliFor } from './helpers/cli.js';

describe.each(HTTP_STORE_KINDS)('gatehouse member (%s)', (kind) => {
  let t: TestServer;
  let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  beforeAll(async () => {
    // The first accept loads the password-strength dictionaries (cold here: no administrator was
    // created in this process), which takes longer than the tests' default 1.5 s on a busy machine.
    t = await startTestServer(kind, { config: { requestTimeoutMs: 10_000 } });
    cli = cliFor(t);
  });
  afterAll(() => t.close());

  it(
    'invites (link shown once), lists, changes a role, refuses to drop the last owner, removes',
    { timeout: 180_000 },
    async () => {
      const invited = JSON.parse(
        (
          await cli(
            'member',
            'invite',
            '--env',
            'default',
            '--email',
            'Olga@Tenant.test',
            '--role',
            'owner',
            '--public-url',
            'https://gatehouse.test',
            '--json',
          )
        ).stdout,
      ) as { link: string; email: string; role: string };
      expect(invited).toMatchObject({
        email: 'olga@tenant.test',
        role: 'owner',
        environment: 'default',
        link: expect.stringMatching(/^https:\/\/gatehouse\.test\/console\/invitations\/[\w-]{40,}$/),
      });
      const owner = sessionOf(await accept(t, invited.link.split('/').pop()!));
      const second = JSON.parse(
        (await cli('member', 'invite', '--env', 'default', '--email', 'vic@tenant.test', '--role', 'viewer', '--json'))
          .stdout,
      ) as { link: string };
      expect((await accept(t, second.link.split('/').pop()!)).status).toBe(200);

      const list = JSON.parse((await cli('member', 'list', '--env', 'default', '--json')).stdout) as {
        email: string;
        role: string;
      }[];
      expect(list.map((m) => [m.email, m.role])).toEqual([
        ['olga@tenant.test', 'owner'],
        ['vic@tenant.test', 'viewer'],
      ]);

      const changed = JSON.parse(
        (
          await cli(
            'member',
            'set-role',
            '--env',
            'default',
            '--email',
            'vic@tenant.test',
            '--role',
            'developer',
            '--json',
          )
        ).stdout,
      ) as { role: string };
      expect(changed.role).toBe('developer');
      await expect(
        cli('member', 'set-role', '--env', 'default', '--email', 'olga@tenant.test', '--role', 'viewer'),
      ).rejects.toMatchObject({ stderr: expect.stringMatching(/at least one owner/) });

      await cli('member', 'remove', '--env', 'default', '--email', 'vic@tenant.test', '--yes');
      const members = (await call(t, { session: owner }, 'GET', '/environments/default/members')).body.items as {
        email: string;
      }[];
      expect(members.map((m) => m.email)).toEqual(['olga@tenant.test']);
    },
  );

  const ids: string[] = [];
  const invite = async (email: string, role: string) => {
    const created = JSON.parse(
      (await cli('member', 'invite', '--env', 'default', '--email', email, '--role', role, '--json')).stdout,
    ) as { id: string; link: string };
    ids.push(created.id);
    return created.link.split('/').pop()!;
  };
  const pending = async () =>
    JSON.parse((await cli('member', 'invitations', '--env', 'default', '--json')).stdout) as PendingInvitation[];

  it(
    'lists pending invitations, revokes one (its link is refused), refuses what is not pending',
    { timeout: 180_000 },
    async () => {
      expect((await cli('member', 'invitations', '--env', 'default')).stdout).toMatch(/No pending invitations/);
      const wrong = await invite('wrong@tenant.test', 'owner');
      const right = await invite('right@tenant.test', 'viewer');
      const listed = await pending();
      // Oldest first, by the second they were made in: both can share one (the CLI runs in-process now).
      expect(listed.map((i) => [i.email, i.role, i.invited_by]).sort()).toEqual([
        ['right@tenant.test', 'viewer', 'cli'],
        ['wrong@tenant.test', 'owner', 'cli'],
      ]);
      const human = (await cli('member', 'invitations', '--env', 'default')).stdout;
      expect(human).toMatch(/wrong@tenant\.test\s+owner/);
      for (const token of [wrong, right]) expect(human + JSON.stringify(listed)).not.toContain(token);

      const id = listed.find((i) => i.email === 'wrong@tenant.test')!.id;
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
