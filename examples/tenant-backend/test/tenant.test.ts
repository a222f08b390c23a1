/**
 * The tenant-backend example against a real Gatehouse: HS512 and ES256 customer tokens answer the
 * customer at /self, an admin token lists the customers, and Gatehouse refuses what it should.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseApiError } from '@gatehouse/client';
import { CLI_ACTOR, credentials as credentialService } from '@gatehouse/server';
import { settle, startGatehouse, type TestServer } from '@gatehouse/testing/gatehouse';
import {
  adminToken,
  customerTokenEs256,
  customerTokenHs512,
  listCustomers,
  whoIs,
  type TenantConfig,
} from '../src/tenant.js';

const pkcs8 = (key: ReturnType<typeof generateKeyPairSync>['privateKey']) =>
  key.export({ type: 'pkcs8', format: 'pem' }).toString();
const header = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

describe('tenant-backend example', () => {
  let t: TestServer;
  let tenant: TenantConfig;
  const registered = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ada = { id: 'user-42', name: 'Ada Lovelace', fields: { plan: 'pro' } };
  const grace = { id: 'user-43', name: 'Grace Hopper', fields: { plan: 'team' } };

  beforeAll(async () => {
    t = await startGatehouse();
    const ctx = t.server.runtime.ctx;
    const credentials = await credentialService.createEnvironmentSecret(ctx, CLI_ACTOR, 'default');
    await credentialService.addPublicKey(ctx, CLI_ACTOR, 'default', {
      alg: 'ES256',
      key: registered.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      kid: 'tenant-1',
    });
    await settle(t);
    tenant = {
      gatehouseUrl: t.url,
      environment: 'default',
      environmentKey: credentials.environment_key,
      environmentSecret: credentials.environment_secret,
      privateKey: pkcs8(registered.privateKey),
      kid: 'tenant-1',
      clock: () => t.clock.now(),
    };
  });
  afterAll(() => t.close());

  it('an HS512 customer token: /self answers the customer', async () => {
    const token = await customerTokenHs512(tenant, ada);
    expect(header(token)).toMatchObject({ alg: 'HS512' });
    expect(await whoIs(tenant, token)).toEqual({ type: 'customer', ...ada, environment: 'default' });
  });

  it('an ES256 customer token signed with the registered key: /self answers the customer', async () => {
    const token = await customerTokenEs256(tenant, grace);
    expect(header(token)).toMatchObject({ alg: 'ES256', kid: 'tenant-1' });
    expect(await whoIs(tenant, token)).toEqual({ type: 'customer', ...grace, environment: 'default' });
  });

  it('an ES256 token signed with a key that is not registered, or HS512 with another secret: 401 invalid_token', async () => {
    const stranger = pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const forgedEs = await customerTokenEs256({ ...tenant, privateKey: stranger }, ada);
    const forgedHs = await customerTokenHs512({ ...tenant, environmentSecret: 'x'.repeat(64) }, ada);
    for (const token of [forgedEs, forgedHs]) {
      const err = await whoIs(tenant, token).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GatehouseApiError);
      expect(err).toMatchObject({ status: 401, error: 'invalid_token' });
    }
  });

  it('an admin token is the environment at /self and lists the customers; a customer token may not', async () => {
    const admin = await adminToken(tenant);
    expect(header(admin)).toMatchObject({ alg: 'HS512' });
    expect(await whoIs(tenant, admin)).toMatchObject({ type: 'admin' });

    await whoIs(tenant, await customerTokenHs512(tenant, ada));
    await whoIs(tenant, await customerTokenEs256(tenant, grace));
    const customers = await listCustomers(tenant, admin);
    expect(
      customers.map(({ id, name, fields }) => ({ id, name, fields })).sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual([ada, grace]);

    const asCustomer = await listCustomers(tenant, await customerTokenHs512(tenant, ada)).catch((e: unknown) => e);
    expect(asCustomer).toMatchObject({ status: 403, error: 'insufficient_scope' });
  });
});
