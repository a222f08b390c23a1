/**
 * Several nodes on one store, as real processes: a token from A is accepted by B, both hand out
 * the same reused token, and revocation, disabling and deletion made through A are honoured by B
 * within 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, newStoreLocation, type StoreLocation } from '@gatehouse/testing/stores';
import { startNode, type NodeProcess } from '@gatehouse/testing/node-process';
import { basic, postForm, request, token } from '@gatehouse/testing/http';
import { within } from '@gatehouse/testing/within';
import { openContext } from '../../../src/runtime.js';
import { testConfig } from '@gatehouse/testing/server';
import { CLI_ACTOR, type Context } from '../../../src/context.js';
import { createIntegration, deleteIntegration, updateIntegration } from '../../../src/services/integrations.js';

const ISSUER = 'https://gatehouse.cluster.test';

describe.each(STORE_KINDS)('two nodes on one store (%s)', (kind) => {
  let location: StoreLocation;
  let a: NodeProcess;
  let b: NodeProcess;
  let ctx: Context;
  beforeAll(async () => {
    location = newStoreLocation(kind);
    // Opening a context first creates the test's PostgreSQL schema; the nodes then race to migrate it.
    ctx = await openContext(testConfig(location, { issuer: ISSUER }));
    [a, b] = await Promise.all([startNode(location, ISSUER), startNode(location, ISSUER)]);
  }, 60_000);
  afterAll(async () => {
    a?.kill('SIGKILL');
    b?.kill('SIGKILL');
    await ctx?.store.close();
    await location?.dispose();
  });

  it('shares keys, integrations and reusable tokens', async () => {
    const c = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'x', preset: 'all-permissions' });
    await within(1000, async () => (await token(b.url, c.client_id, c.client_secret)).status === 200);
    const [fromA, fromB] = await Promise.all([
      token(a.url, c.client_id, c.client_secret, { scope: 'media:read' }),
      token(b.url, c.client_id, c.client_secret, { scope: 'media:read' }),
    ]);
    expect(fromA.body.access_token).toBe(fromB.body.access_token);
    const tok = String(fromA.body.access_token);
    expect(
      (await request(`${b.url}/api/v1/environments/default/media`, { headers: { authorization: `Bearer ${tok}` } }))
        .status,
    ).toBe(200);
    expect(await request(`${a.url}/.well-known/jwks.json`).then((r) => r.text)).toBe(
      await request(`${b.url}/.well-known/jwks.json`).then((r) => r.text),
    );
  });

  it('revocation on A is honoured by B within 1 s', async () => {
    const c = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'r', preset: 'read-only' });
    await within(1000, async () => (await token(a.url, c.client_id, c.client_secret)).status === 200);
    const tok = String((await token(a.url, c.client_id, c.client_secret)).body.access_token);
    const onB = () =>
      request(`${b.url}/api/v1/environments/default/media`, { headers: { authorization: `Bearer ${tok}` } });
    expect((await onB()).status).toBe(200);
    expect(
      (await postForm(a.url, { token: tok }, { authorization: basic(c.client_id, c.client_secret) }, '/oauth/revoke'))
        .status,
    ).toBe(200);
    await within(1000, async () => (await onB()).status === 401);
  });

  it('G-67 a grant reduction is honoured by every node within 1 s, for tokens issued before it', async () => {
    const c = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'g', preset: 'all-permissions' });
    await within(1000, async () => (await token(a.url, c.client_id, c.client_secret)).status === 200);
    const tok = String((await token(a.url, c.client_id, c.client_secret)).body.access_token);
    const customers = (node: NodeProcess) =>
      request(`${node.url}/api/v1/environments/default/customers`, { headers: { authorization: `Bearer ${tok}` } });
    expect((await customers(a)).status).toBe(200);
    expect((await customers(b)).status).toBe(200);
    await updateIntegration(ctx, CLI_ACTOR, c.client_id, { scopes: ['media:read'] });
    await within(1000, async () => (await customers(a)).status === 403 && (await customers(b)).status === 403);
    expect(
      (await request(`${b.url}/api/v1/environments/default/media`, { headers: { authorization: `Bearer ${tok}` } }))
        .status,
    ).toBe(200);
  });

  it('A-11 throttling holds across nodes: failures split over A and B fill one window', async () => {
    const c = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 't', preset: 'read-only' });
    await within(1000, async () => (await token(a.url, c.client_id, c.client_secret)).status === 200);
    for (let i = 0; i < 5; i++) {
      expect((await token(a.url, c.client_id, `wrong-a-${i}`)).status).toBe(401);
      expect((await token(b.url, c.client_id, `wrong-b-${i}`)).status).toBe(401);
    }
    // Each node saw only 5 of the 10 failures, yet both refuse within 1 s.
    await within(
      1000,
      async () =>
        (await token(a.url, c.client_id, c.client_secret)).status === 429 &&
        (await token(b.url, c.client_id, c.client_secret)).status === 429,
    );
    const other = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'o', preset: 'read-only' });
    await within(1000, async () => (await token(b.url, other.client_id, other.client_secret)).status === 200);
  });

  it('disabling and deletion are honoured by both nodes within 1 s', async () => {
    const c = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'd', preset: 'read-only' });
    await within(1000, async () => (await token(b.url, c.client_id, c.client_secret)).status === 200);
    const tok = String((await token(b.url, c.client_id, c.client_secret)).body.access_token);
    await updateIntegration(ctx, CLI_ACTOR, c.client_id, { enabled: false });
    await within(
      1000,
      async () =>
        (await token(a.url, c.client_id, c.client_secret)).status === 401 &&
        (await token(b.url, c.client_id, c.client_secret)).status === 401,
    );
    await updateIntegration(ctx, CLI_ACTOR, c.client_id, { enabled: true });
    await deleteIntegration(ctx, CLI_ACTOR, c.client_id);
    await within(
      1000,
      async () =>
        (await request(`${a.url}/api/v1/self`, { headers: { authorization: `Bearer ${tok}` } })).status === 401,
    );
  });
});
