/**
 * `gatehouse env credentials SLUG` as a real process (docs/security.md H-82): it creates the environment
 * secret explicitly when none exists and prints it once; afterwards it prints `null` and says on
 * stderr how to get a new one. The secret it printed signs customer tokens the server accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { cliFor } from './helpers/cli.js';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request } from '@gatehouse/testing/http';

describe.each(HTTP_STORE_KINDS)('gatehouse env credentials (%s)', (kind) => {
  let t: TestServer;
  let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  beforeAll(async () => {
    t = await startTestServer(kind);
    cli = cliFor(t);
  });
  afterAll(() => t.close());

  it('H-82 creates the secret once and prints it; then prints null and points to rotate-secret', async () => {
    const first = await cli('env', 'credentials', 'default', '--json');
    const created = JSON.parse(first.stdout) as { environment_key: string; environment_secret: string | null };
    expect(created.environment_key).toMatch(/^ek_/);
    expect(typeof created.environment_secret).toBe('string');
    expect(first.stderr).toContain('Created the environment secret');

    await settle(t);
    const customer = jwt.sign(
      { id: 'cli-user', iat: t.clock.seconds(), exp: t.clock.seconds() + 60 },
      created.environment_secret!,
      { issuer: created.environment_key },
    );
    expect((await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${customer}` } })).body.id).toBe(
      'cli-user',
    );

    const second = await cli('env', 'credentials', 'default', '--json');
    const again = JSON.parse(second.stdout) as { environment_key: string; environment_secret: string | null };
    expect(again.environment_key).toBe(created.environment_key);
    expect(again.environment_secret).toBeNull();
    expect(second.stderr).toContain("can't be shown again");
    expect(second.stderr).toContain('gatehouse env rotate-secret default');
    const rows = await stored(t).environmentCredentialsOf('secret');
    expect(rows).toHaveLength(1);
  });
});
