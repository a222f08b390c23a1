/**
 * Federated credentials of integrations (issue #26): a platform issuer and subject whose tokens
 * authenticate as the integration instead of a secret or key (RFC 7523 §2.1, §2.2). Adding or
 * removing one hands over or takes back the power to act as the integration, so it is decided like
 * adding a key (`integration.manage_federated_credentials`: its own always; another's with
 * `integrations:secrets`, L-109), on the integration's row in the transaction (K-100), and audited.
 * (`issuer`, `subject`) is unique across the server (L-108): a token identifies one integration.
 * @packageDocumentation
 */
import { MAX_FEDERATED_CREDENTIALS, type FederatedCredential, type FederatedCredentialAdd } from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, InvalidInput, NotFound } from '../errors/domain-errors.js';
import { authorize } from '../auth/decide.js';
import type { Principal } from '../auth/principal.js';
import { issuerAllowed } from '../auth/issuer-discovery.js';
import { MAX_CLAIM_PATH_DEPTH } from '../auth/federated-claims.js';
import type { FederatedCredentialRecord } from '../store/repositories/federated-credentials.js';
import { isUniqueViolation } from '../store/repositories/queryable.js';
import { repositories, type UnitOfWork } from '../store/unit-of-work.js';
import { checkJwksUri } from './client-keys.js';
import { lockIntegration, requireIntegration } from './integration-lookup.js';
import { command } from './command.js';
import { generateId } from './secrets.js';

/** Largest `claims` object, bytes of JSON. */
const MAX_CLAIMS_BYTES = 4096;

/** The wire form of a credential. */
export function federatedCredentialDto(c: FederatedCredentialRecord): FederatedCredential {
  return {
    id: c.id,
    issuer: c.issuer,
    subject: c.subject,
    audience: c.audience,
    jwks_uri: c.jwksUri,
    claims: { ...c.claims },
    created_at: new Date(c.createdAt * 1000).toISOString(),
  };
}

/**
 * Checks what a credential may be: the issuer an https URL without query or fragment (http only
 * for a host of `GATEHOUSE_JWKS_URI_ALLOWED_HOSTS`, L-107), `jwks_uri` likewise, the claim paths
 * at most {@link MAX_CLAIM_PATH_DEPTH} keys deep and the claims at most {@link MAX_CLAIMS_BYTES}.
 * The lengths are bounded by the contract's schema (the CLI checks them here too).
 * @throws InvalidInput `invalid_client_metadata` naming what is wrong.
 */
export function checkFederatedCredential(ctx: Context, input: FederatedCredentialAdd): void {
  const bad = (description: string) => new InvalidInput(description, 'invalid_client_metadata');
  if (input.issuer.length > 2000 || !issuerAllowed(input.issuer, ctx.config.jwksUriAllowedHosts))
    throw bad('issuer must be an https URL without credentials, query or fragment');
  if (!input.subject || input.subject.length > 512) throw bad('subject must be 1 to 512 characters');
  if (input.audience !== undefined && (!input.audience || input.audience.length > 2000))
    throw bad('audience must be 1 to 2000 characters');
  if (input.jwks_uri !== undefined) checkJwksUri(ctx, input.jwks_uri);
  const claims = Object.entries(input.claims ?? {});
  if (claims.length > 10) throw bad('at most 10 claim conditions');
  for (const [path, value] of claims) {
    if (!path || path.length > 256 || path.startsWith('.') || path.endsWith('.'))
      throw bad('a claim path is 1 to 256 characters, neither starting nor ending with a dot');
    if (path.split('.').length > MAX_CLAIM_PATH_DEPTH)
      throw bad(`a claim path has at most ${MAX_CLAIM_PATH_DEPTH} keys`);
    if (!['string', 'number', 'boolean'].includes(typeof value))
      throw bad('a claim value is a string, number or boolean');
  }
  if (Buffer.byteLength(JSON.stringify(input.claims ?? {})) > MAX_CLAIMS_BYTES)
    throw bad(`claims must be at most ${MAX_CLAIMS_BYTES} bytes`);
}

/** The federated credentials of an integration, oldest first. @throws NotFound. */
export async function listFederatedCredentials(
  ctx: Context,
  clientId: string,
  slug?: string,
): Promise<FederatedCredential[]> {
  const { client } = await requireIntegration(ctx, clientId, slug);
  return (await repositories(ctx.store).federatedCredentials.listFor(client.id)).map(federatedCredentialDto);
}

/**
 * Adds a federated credential.
 * @throws NotFound; InvalidInput (400) as {@link checkFederatedCredential} or beyond
 *   {@link MAX_FEDERATED_CREDENTIALS}; Conflict (409) naming the integration that trusts the same
 *   (`issuer`, `subject`) already; InsufficientScope / Forbidden (403) from the policy.
 */
export async function addFederatedCredential(
  ctx: Context,
  actor: Actor,
  clientId: string,
  input: FederatedCredentialAdd,
  slug?: string,
  by?: Principal,
): Promise<FederatedCredential> {
  checkFederatedCredential(ctx, input);
  const now = nowSeconds(ctx.clock);
  const record = await onConflictNameHolder(ctx, [input], () =>
    command(ctx, async (uow) => {
      const { env, client } = await lockIntegration(ctx, uow, clientId, slug);
      authorize(by, 'integration.manage_federated_credentials', { env, integration: client });
      const [written] = await insertFederatedCredentials(uow, client.id, [input], now);
      await uow.integrations.update(client.id, {}, now);
      await uow.change('integration', client.id, now);
      await uow.audit(
        actor,
        {
          environmentId: env.id,
          action: 'integration.add_federated_credential',
          target: clientId,
          details: { id: written!.id, issuer: written!.issuer, subject: written!.subject },
        },
        ctx.clock.now(),
      );
      return written!;
    }),
  );
  return federatedCredentialDto(record);
}

/**
 * Adds `inputs` (already checked by {@link checkFederatedCredential}) to integration
 * `integrationId` in `uow`: the caller decided, and writes the change and the audit.
 * @returns the records written.
 * @throws Conflict (409) naming the integration that trusts a pair already; InvalidInput (400)
 *   beyond {@link MAX_FEDERATED_CREDENTIALS}.
 */
export async function insertFederatedCredentials(
  uow: UnitOfWork,
  integrationId: string,
  inputs: readonly FederatedCredentialAdd[],
  now: number,
): Promise<FederatedCredentialRecord[]> {
  const repo = uow.federatedCredentials;
  if ((await repo.listFor(integrationId)).length + inputs.length > MAX_FEDERATED_CREDENTIALS)
    throw new InvalidInput(
      `an integration holds at most ${MAX_FEDERATED_CREDENTIALS} federated credentials: remove one first`,
      'invalid_client_metadata',
    );
  const records: FederatedCredentialRecord[] = [];
  for (const input of inputs) {
    const holder = await repo.find(input.issuer, input.subject);
    if (holder) throw heldBy(holder.clientId);
    if (records.some((r) => r.issuer === input.issuer && r.subject === input.subject))
      throw new Conflict('the same issuer and subject are given twice');
    const record: FederatedCredentialRecord = {
      id: `fc_${generateId(12)}`,
      integrationId,
      issuer: input.issuer,
      subject: input.subject,
      audience: input.audience ?? null,
      jwksUri: input.jwks_uri ?? null,
      claims: input.claims ?? {},
      createdAt: now,
    };
    await repo.insert({
      id: record.id,
      integration_id: integrationId,
      issuer: record.issuer,
      subject: record.subject,
      audience: record.audience,
      jwks_uri: record.jwksUri,
      claims: JSON.stringify(record.claims),
      created_at: now,
    });
    records.push(record);
  }
  return records;
}

/**
 * Runs `write`; when the store's unique index refuses one of `pairs` (two additions of it at once,
 * L-108), answers 409 naming the integration that won.
 */
export async function onConflictNameHolder<T>(
  ctx: Context,
  pairs: readonly FederatedCredentialAdd[],
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    for (const { issuer, subject } of pairs) {
      const holder = await repositories(ctx.store).federatedCredentials.find(issuer, subject);
      if (holder) throw heldBy(holder.clientId);
    }
    throw heldBy('another integration');
  }
}

function heldBy(clientId: string): Conflict {
  return new Conflict(`this issuer and subject are already trusted by integration ${clientId}`);
}

/**
 * Removes credential `id`; its platform tokens fail from then on (within the change feed's second).
 * @throws NotFound for an unknown integration or credential; InsufficientScope / Forbidden (403).
 */
export async function removeFederatedCredential(
  ctx: Context,
  actor: Actor,
  clientId: string,
  id: string,
  slug?: string,
  by?: Principal,
): Promise<void> {
  const now = nowSeconds(ctx.clock);
  await command(ctx, async (uow) => {
    const { env, client } = await lockIntegration(ctx, uow, clientId, slug);
    authorize(by, 'integration.manage_federated_credentials', { env, integration: client });
    if (!(await uow.federatedCredentials.delete(client.id, id))) throw new NotFound('federated credential');
    await uow.integrations.update(client.id, {}, now);
    await uow.change('integration', client.id, now);
    await uow.audit(
      actor,
      { environmentId: env.id, action: 'integration.remove_federated_credential', target: clientId, details: { id } },
      ctx.clock.now(),
    );
  });
}
