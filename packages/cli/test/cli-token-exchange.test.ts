/**
 * `gatehouse integration set <client_id> --token-exchange on|off [--exchange-audience A …]`
 * (issue #27): the setting is stored, shown by `integration show --json`, and honoured by the
 * server's token-exchange grant (docs/security.md M-112).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { basic, postForm, token } from '@gatehouse/testing/http';
import { CLI_ACTOR, apis } from '@gatehouse/server';
import { cliFor } from './helpers/cli.js';

const ORDERS = 'https://orders.example';

describe.each(HTTP_STORE_KINDS)('gatehouse integration set --token-exchange (%s)', (kind) => {
  let t: TestServer;
  let cli: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  beforeAll(async () => {
    t = await startTestServer(kind);
    cli = cliFor(t);
  });
  afterAll(() => t.close());

  it('turns exchange on with audiences, shows it, and the grant follows it', async () => {
    await apis.createApi(t.server.runtime.ctx, CLI_ACTOR, 'default', {
      name: 'Orders',
      audience: ORDERS,
      scopes: [{ value: 'orders:read' }],
    });
    const exchanger = await t.integration({
      grants: [
        { audience: t.config.audience, scopes: ['projects:read'] },
        { audience: ORDERS, scopes: ['orders:read'] },
      ],
    });
    const subject = await t.integration({
      grants: [
        { audience: t.config.audience, scopes: ['projects:read'] },
        { audience: ORDERS, scopes: ['orders:read'] },
      ],
    });
    const show = async () =>
      (
        JSON.parse((await cli('integration', 'show', exchanger.client_id, '--json')).stdout) as {
          token_exchange: unknown;
        }
      ).token_exchange;
    expect(await show()).toEqual({ enabled: false, audiences: null });
    const exchange = async () =>
      postForm(
        t.url,
        {
          audience: ORDERS,
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: String(
            (await token(t.url, subject.client_id, subject.client_secret, { audience: ORDERS })).body.access_token,
          ),
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        },
        { authorization: basic(exchanger.client_id, exchanger.client_secret) },
      );
    expect((await exchange()).body.error).toBe('unauthorized_client');

    await cli(
      'integration',
      'set',
      exchanger.client_id,
      '--token-exchange',
      'on',
      '--exchange-audience',
      ORDERS,
      '--json',
    );
    expect(await show()).toEqual({ enabled: true, audiences: [ORDERS] });
    await settle(t);
    expect((await exchange()).status).toBe(200);

    await expect(cli('integration', 'set', exchanger.client_id, '--token-exchange', 'maybe')).rejects.toThrow(
      /on.*off/,
    );
    await expect(
      cli('integration', 'set', exchanger.client_id, '--token-exchange', 'on', '--exchange-audience', 'https://nope'),
    ).rejects.toThrow(/not an API/);
    await cli('integration', 'set', exchanger.client_id, '--token-exchange', 'off');
    expect(await show()).toEqual({ enabled: false, audiences: [ORDERS] });
    await settle(t);
    expect((await exchange()).body.error).toBe('unauthorized_client');
  });
});
