/**
 * `gatehouse member invite|list|set-role|remove` as real processes against a running server's
 * store: the invitation link printed once works in the server (J-92), and roles change there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { call } from '../../server/test/management-helpers.js';
import { accept, sessionOf } from '../../server/test/member-helpers.js';
import { cliFor } from './helpers/cli.js';

describe.each(STORE_KINDS)('gatehouse member (%s)', (kind) => {
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
});
