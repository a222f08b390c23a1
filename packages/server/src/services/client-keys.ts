/**
 * The public keys of integrations for `private_key_jwt` (RFC 7523 §2.2): registered inline (a
 * JWKS at creation, then one key at a time) or published at a `jwks_uri`. Keys are public: listing
 * them needs only `integrations:read`. Adding or removing one, like setting `jwks_uri`, hands over
 * the power to authenticate as the integration, so it is decided like a secret rotation
 * (`integration.manage_keys`: auth/decide.ts, at the route and here on the integration's row).
 * @packageDocumentation
 */
import type { ClientKey, Jwk, Jwks } from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, InvalidInput, NotFound } from '../errors/domain-errors.js';
import { authorize } from '../auth/decide.js';
import type { Principal } from '../auth/principal.js';
import { MAX_CLIENT_KEYS, toClientKey, UnacceptableKey } from '../auth/client-key.js';
import { jwksUriPolicy } from '../auth/jwks-fetcher.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import type { ClientKeyRecord } from '../store/repositories/integrations.js';
import { lockIntegration, requireIntegration } from './integration-lookup.js';
import { command } from './command.js';

/**
 * A registrable key from a JWK.
 * @throws InvalidInput `invalid_client_metadata` naming what is wrong (RFC 7591 §3.2.2).
 */
export async function clientKeyFrom(jwk: Jwk, now: number): Promise<ClientKeyRecord> {
  try {
    return await toClientKey(jwk, now);
  } catch (err) {
    if (err instanceof UnacceptableKey)
      throw new InvalidInput(`unacceptable key: ${err.message}`, 'invalid_client_metadata');
    throw err;
  }
}

/**
 * The keys of an inline JWKS, each with a distinct `kid`.
 * @throws InvalidInput (400) as {@link clientKeyFrom}, or for a repeated `kid`.
 */
export async function clientKeysFrom(jwks: Jwks, now: number): Promise<ClientKeyRecord[]> {
  const keys: ClientKeyRecord[] = [];
  for (const jwk of jwks.keys) keys.push(await clientKeyFrom(jwk, now));
  if (new Set(keys.map((k) => k.kid)).size !== keys.length)
    throw new InvalidInput('every key needs its own kid', 'invalid_client_metadata');
  return keys;
}

/**
 * Checks a `jwks_uri`: an absolute https URL without credentials or fragment (http only for a host
 * of `GATEHOUSE_JWKS_URI_ALLOWED_HOSTS`).
 * @throws InvalidInput `invalid_client_metadata`.
 */
export function checkJwksUri(ctx: Context, uri: string): string {
  if (!jwksUriPolicy(uri, ctx.config.jwksUriAllowedHosts).allowed)
    throw new InvalidInput('jwks_uri must be an https URL without credentials or fragment', 'invalid_client_metadata');
  return uri;
}

/** The wire form of a key. */
export function clientKeyDto(k: ClientKeyRecord): ClientKey {
  return {
    kid: k.kid,
    alg: k.alg,
    kty: String(k.jwk.kty),
    jwk: k.jwk as Jwk,
    created_at: new Date(k.createdAt * 1000).toISOString(),
  };
}

/** The registered keys of an integration, oldest first. @throws NotFound. */
export async function listClientKeys(ctx: Context, clientId: string, slug?: string): Promise<ClientKey[]> {
  const { client } = await requireIntegration(ctx, clientId, slug);
  return client.keys.map(clientKeyDto);
}

/**
 * Registers one more key (a rotation adds the new key, then removes the old one).
 * @throws NotFound; InvalidInput (400) as {@link clientKeyFrom} or beyond {@link MAX_CLIENT_KEYS}; Conflict
 *   409 for a `kid` it already has; InsufficientScope (403) from the policy.
 */
export async function addClientKey(
  ctx: Context,
  actor: Actor,
  clientId: string,
  jwk: Jwk,
  slug?: string,
  by?: Principal,
): Promise<ClientKey> {
  const now = nowSeconds(ctx.clock);
  const key = await clientKeyFrom(jwk, now);
  // Decided on the integration and its keys as they are in the transaction (docs/security.md K-100).
  await command(ctx, async (uow) => {
    const { env, client } = await lockIntegration(ctx, uow, clientId, slug);
    authorize(by, 'integration.manage_keys', { env, integration: client });
    if (client.keys.some((k) => k.kid === key.kid))
      throw new Conflict(`the integration already has a key ${JSON.stringify(key.kid)}`);
    if (client.keys.length >= MAX_CLIENT_KEYS)
      throw new InvalidInput(
        `an integration holds at most ${MAX_CLIENT_KEYS} keys: remove one first`,
        'invalid_client_metadata',
      );
    await uow.integrations.insertKeys(client.id, [key]);
    await changed(uow, client.id, now);
    await uow.audit(
      actor,
      {
        environmentId: env.id,
        action: 'integration.add_key',
        target: clientId,
        details: { kid: key.kid, alg: key.alg },
      },
      ctx.clock.now(),
    );
  });
  return clientKeyDto(key);
}

/**
 * Removes key `kid`; assertions signed with it fail from then on (within the change feed's second).
 * @throws NotFound for an unknown integration or kid; InsufficientScope (403) from the policy.
 */
export async function removeClientKey(
  ctx: Context,
  actor: Actor,
  clientId: string,
  kid: string,
  slug?: string,
  by?: Principal,
): Promise<void> {
  const now = nowSeconds(ctx.clock);
  await command(ctx, async (uow) => {
    const { env, client } = await lockIntegration(ctx, uow, clientId, slug);
    authorize(by, 'integration.manage_keys', { env, integration: client });
    if (!client.keys.some((k) => k.kid === kid)) throw new NotFound('key');
    await uow.integrations.deleteKey(client.id, kid);
    await changed(uow, client.id, now);
    await uow.audit(
      actor,
      { environmentId: env.id, action: 'integration.remove_key', target: clientId, details: { kid } },
      ctx.clock.now(),
    );
  });
}

async function changed(uow: UnitOfWork, integrationId: string, now: number): Promise<void> {
  await uow.integrations.update(integrationId, {}, now);
  await uow.change('integration', integrationId, now);
}
