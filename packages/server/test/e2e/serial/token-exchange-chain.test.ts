/**
 * docs/security.md M-118 on two nodes of one store (SQLite and PostgreSQL): a change on node A —
 * the subject token revoked, its integration disabled or deleted, its customer removed, the
 * customer-token secret rotated — makes node B refuse every token derived from it, at any depth,
 * within 1 s, though B had verified (and cached) them as valid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { CLI_ACTOR } from '../../../src/context.js';
import { deleteIntegration, updateIntegration } from '../../../src/services/integrations.js';
import { createEnvironmentSecret, rotateEnvironmentSecret } from '../../../src/services/credentials.js';
import { deleteCustomer } from '../../../src/services/customers.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { basic, postForm, request, token } from '@gatehouse/testing/http';
import { within } from '@gatehouse/testing/within';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';

type Client = { client_id: string; client_secret: string };

describe.each(STORE_KINDS)('token-exchange chains on two nodes (%s)', (kind) => {
  let a: TestServer;
  let b: TestServer;
  let envKey: string;
  let envSecret: string;
  let first: Client;
  let second: Client;
  beforeAll(async () => {
    a = await startTestServer(kind);
    b = await startTestServer(kind, { location: a.location, clock: a.clock });
    const creds = await createEnvironmentSecret(a.server.runtime.ctx, CLI_ACTOR, 'default');
    envKey = creds.environment_key;
    envSecret = creds.environment_secret;
    first = await exchanger();
    second = await exchanger();
    await settle(a);
    await settle(b);
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });

  async function exchanger(): Promise<Client> {
    const c = await a.integration({ scopes: ['projects:read', 'media:read'] });
    await updateIntegration(a.server.runtime.ctx, CLI_ACTOR, c.client_id, { token_exchange: { enabled: true } });
    return c;
  }
  const accessToken = async (t: TestServer, c: Client) =>
    String((await token(t.url, c.client_id, c.client_secret)).body.access_token);
  const exchange = async (t: TestServer, c: Client, subject: string, type = AT) => {
    const res = await postForm(
      t.url,
      { grant_type: GRANT, subject_token: subject, subject_token_type: type },
      { authorization: basic(c.client_id, c.client_secret) },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return String(res.body.access_token);
  };
  const status = async (t: TestServer, tok: string) =>
    (await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tok}` } })).status;
  const customerToken = (id: string) =>
    jwt.sign({ id, iat: a.clock.seconds(), exp: a.clock.seconds() + 3600 }, envSecret, {
      algorithm: 'HS256',
      issuer: envKey,
    });
  /** Exchanged twice from `subject`: on A by `first`, then on B by `second`; both verified on B. */
  const chain = async (subject: string, type = AT) => {
    const child = await exchange(a, first, subject, type);
    const grandchild = await exchange(b, second, child);
    expect(await status(b, child)).toBe(200);
    expect(await status(b, grandchild)).toBe(200);
    return [child, grandchild] as const;
  };
  const refusedOnB = (...tokens: string[]) =>
    within(1000, async () => {
      for (const tok of tokens) if ((await status(b, tok)) !== 401) return false;
      return true;
    });

  it('M-118: the subject token revoked on A → every derived token refused on B within 1 s', async () => {
    const s = await a.integration({ scopes: ['projects:read'] });
    const root = await accessToken(a, s);
    const derived = await chain(root);
    const revoked = await postForm(
      a.url,
      { token: root },
      { authorization: basic(s.client_id, s.client_secret) },
      '/oauth/revoke',
    );
    expect(revoked.status).toBe(200);
    await refusedOnB(...derived);
  });

  it('M-118: the subject integration disabled on A → derived tokens refused on B, and stay refused once it is enabled again', async () => {
    const s = await a.integration({ scopes: ['projects:read'] });
    const root = await accessToken(a, s);
    const derived = await chain(root);
    await updateIntegration(a.server.runtime.ctx, CLI_ACTOR, s.client_id, { enabled: false });
    await refusedOnB(root, ...derived);
    await updateIntegration(a.server.runtime.ctx, CLI_ACTOR, s.client_id, { enabled: true });
    await settle(b);
    expect(await status(b, root)).toBe(200);
    for (const tok of derived) expect(await status(b, tok)).toBe(401);
  });

  it('M-118: the subject integration deleted on A → derived tokens refused on B', async () => {
    const s = await a.integration({ scopes: ['projects:read'] });
    const derived = await chain(await accessToken(a, s));
    await deleteIntegration(a.server.runtime.ctx, CLI_ACTOR, s.client_id);
    await refusedOnB(...derived);
  });

  it('M-118: the intermediate exchanger disabled → the tokens derived from its exchanged token refused on B', async () => {
    const s = await a.integration({ scopes: ['projects:read'] });
    const middle = await exchanger();
    const child = await exchange(a, middle, await accessToken(a, s));
    const grandchild = await exchange(b, second, child);
    expect(await status(b, grandchild)).toBe(200);
    await updateIntegration(a.server.runtime.ctx, CLI_ACTOR, middle.client_id, { enabled: false });
    await refusedOnB(child, grandchild);
  });

  it('M-118: the customer removed on A → tokens exchanged for it refused on B; another customer’s stay valid', async () => {
    const removed = customerToken(`gone-${kind}`);
    const kept = customerToken(`kept-${kind}`);
    // The customer exists once its token was used.
    expect(await status(a, removed)).toBe(200);
    await settle(a);
    const derived = await chain(removed, JWT);
    const other = await chain(kept, JWT);
    const envId = (await a.server.runtime.directory.environment('slug', 'default'))!.id;
    await deleteCustomer(a.server.runtime.ctx, CLI_ACTOR, envId, `gone-${kind}`);
    await refusedOnB(...derived);
    for (const tok of other) expect(await status(b, tok)).toBe(200);
  });

  it('M-118: the customer-token secret rotated on A → every token derived from customer tokens refused on B', async () => {
    const derived = await chain(customerToken(`rot-${kind}`), JWT);
    const s = await a.integration({ scopes: ['projects:read'] });
    const fromIntegration = await chain(await accessToken(a, s));
    await rotateEnvironmentSecret(a.server.runtime.ctx, CLI_ACTOR, 'default');
    await refusedOnB(...derived);
    for (const tok of fromIntegration) expect(await status(b, tok)).toBe(200);
  });

  it('M-118: exchanges racing the revocation of their subject are refused, or their tokens revoked with it', async () => {
    const s = await a.integration({ scopes: ['projects:read'] });
    const exchangers = [first, second, await exchanger(), await exchanger()];
    await settle(a);
    await settle(b);
    const root = await accessToken(a, s);
    const attempts = exchangers.flatMap((c, i) =>
      [a, b].map((node) =>
        postForm(
          node.url,
          {
            grant_type: GRANT,
            subject_token: root,
            subject_token_type: AT,
            ...(i % 2 ? { scope: 'projects:read' } : {}),
          },
          { authorization: basic(c.client_id, c.client_secret) },
        ),
      ),
    );
    const revoke = postForm(
      a.url,
      { token: root },
      { authorization: basic(s.client_id, s.client_secret) },
      '/oauth/revoke',
    );
    const [answers] = await Promise.all([Promise.all(attempts), revoke]);
    for (const res of answers) expect([200, 400]).toContain(res.status);
    const issued = answers.filter((r) => r.status === 200).map((r) => String(r.body.access_token));
    if (issued.length) await refusedOnB(...issued);
    const refused = answers.filter((r) => r.status === 400);
    for (const res of refused) expect(res.body.error).toBe('invalid_grant');
  });
});
