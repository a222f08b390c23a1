/**
 * Runs the tenant-backend example once: signs customer tokens for a demo user, prints what
 * Gatehouse says about them, then lists the environment's customers with an admin token.
 *
 * GATEHOUSE_URL (default http://127.0.0.1:4000), GATEHOUSE_ENVIRONMENT (default `default`),
 * GATEHOUSE_ENVIRONMENT_KEY, GATEHOUSE_ENVIRONMENT_SECRET; optionally TENANT_PRIVATE_KEY_FILE
 * (PKCS#8 PEM, P-256) and TENANT_KEY_ID for the ES256 variant.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import {
  adminToken,
  customerTokenEs256,
  customerTokenHs512,
  listCustomers,
  whoIs,
  type TenantConfig,
  type TenantUser,
} from './tenant.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (see examples/tenant-backend/README.md)`);
  return value;
}

const keyFile = process.env.TENANT_PRIVATE_KEY_FILE;
const tenant: TenantConfig = {
  gatehouseUrl: process.env.GATEHOUSE_URL ?? 'http://127.0.0.1:4000',
  environment: process.env.GATEHOUSE_ENVIRONMENT ?? 'default',
  environmentKey: required('GATEHOUSE_ENVIRONMENT_KEY'),
  environmentSecret: required('GATEHOUSE_ENVIRONMENT_SECRET'),
  ...(keyFile && { privateKey: readFileSync(keyFile, 'utf8') }),
  ...(process.env.TENANT_KEY_ID && { kid: process.env.TENANT_KEY_ID }),
};
const ada: TenantUser = { id: 'user-42', name: 'Ada Lovelace', fields: { plan: 'pro' } };

console.log('HS512 customer token → /api/v1/self:', await whoIs(tenant, await customerTokenHs512(tenant, ada)));
if (tenant.privateKey !== undefined) {
  const grace: TenantUser = { id: 'user-43', name: 'Grace Hopper', fields: { plan: 'team' } };
  console.log('ES256 customer token → /api/v1/self:', await whoIs(tenant, await customerTokenEs256(tenant, grace)));
}
const admin = await adminToken(tenant);
console.log('admin token → /api/v1/self:', await whoIs(tenant, admin));
console.log(`customers of ${tenant.environment}:`, await listCustomers(tenant, admin));
