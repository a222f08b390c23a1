/**
 * Environment credentials for customer tokens: the environment key (public, the tokens' `iss`),
 * the environment secret (512 bits, HS256/384/512, sealed at rest because HMAC verification needs
 * it, shown once, rotatable with a grace period) and registered public keys.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, InvalidInput, NotFound } from '../errors/domain-errors.js';
import { repositories } from '../store/unit-of-work.js';
import { command } from './command.js';
import type { EnvironmentCredentialTable } from '../store/schema.js';
import { requireEnvironment } from './environments.js';
import { generateId } from './secrets.js';
import { SECRET_ALGS, validatePublicKey } from './public-keys.js';

/** A registered public key as the API shows it. */
export interface PublicKeyDto {
  id: string;
  alg: string;
  kid: string | null;
  allow_admin: boolean;
  created_at: string;
}

/** What `GET …/credentials` shows: the key, when the secret was created (`null`: none yet), the public keys. */
export interface CredentialsDto {
  environment_key: string;
  /** Always `null` here: the secret is shown only when created or rotated. */
  environment_secret: null;
  /** Why `environment_secret` is null and how to get one (issue #19). */
  environment_secret_note: string;
  secret_created_at: string | null;
  public_keys: PublicKeyDto[];
}

/** The `environment_secret_note` of environment `slug`, with or without a current secret. */
export function environmentSecretNote(slug: string, hasSecret: boolean): string {
  return hasSecret
    ? `shown only once, at creation; rotate with gatehouse env rotate-secret ${slug} (or POST /api/v1/environments/${slug}/credentials/rotate-secret)`
    : `no secret yet; create it with gatehouse env credentials ${slug} (or POST /api/v1/environments/${slug}/credentials/secret)`;
}

const iso = (s: number) => new Date(s * 1000).toISOString();

function publicKeyDto(r: EnvironmentCredentialTable): PublicKeyDto {
  return { id: r.id, alg: r.alg, kid: r.kid, allow_admin: r.allow_admin === 1, created_at: iso(Number(r.created_at)) };
}

/** What creating or rotating the secret answers: the secret, shown this once. */
export interface NewSecretDto {
  environment_key: string;
  environment_secret: string;
  secret_created_at: string;
}

/**
 * Writes a new current secret in one transaction. The environment's row is locked first on
 * PostgreSQL (SQLite serializes writers), so concurrent writers never leave two current secrets and
 * `create` can refuse atomically when one exists.
 * @throws Conflict `conflict` when `mode` is `create` and a current secret exists.
 */
async function writeSecret(
  ctx: Context,
  actor: Actor,
  environmentId: string,
  graceSeconds: number,
  mode: 'create' | 'rotate',
): Promise<{ secret: string; createdAt: number }> {
  const now = nowSeconds(ctx.clock);
  const secret = randomBytes(64).toString('base64url');
  const id = `cred_${generateId(12)}`;
  await command(ctx, async (uow) => {
    await uow.credentials.lockEnvironment(environmentId);
    if (mode === 'create' && (await uow.credentials.hasCurrentSecret(environmentId))) {
      throw new Conflict('the environment secret exists and is shown only when created; rotate it to get a new one');
    }
    // At most one previous secret: older ones end now; the current one ends after the grace period.
    await uow.credentials.retireSecrets(environmentId, now + graceSeconds);
    await uow.credentials.insert({
      id,
      environment_id: environmentId,
      kind: 'secret',
      alg: SECRET_ALGS.join(' '),
      kid: null,
      material: ctx.sealer.seal(secret, `environment-secret:${id}`),
      allow_admin: 1,
      expires_at: null,
      created_at: now,
    });
    await uow.change('credential', environmentId, now);
    // Tokens exchanged from customer tokens end with the secret that signed them (docs/security.md M-118).
    if (mode === 'rotate' && (await uow.tokens.revokeExchangedForCustomers(environmentId, undefined, now)))
      await uow.change('revocation', `customers:${environmentId}`, now);
    await uow.audit(
      actor,
      {
        environmentId,
        action: mode === 'create' ? 'environment.secret_create' : 'environment.secret_rotate',
        details: { grace_seconds: graceSeconds },
      },
      ctx.clock.now(),
    );
  });
  return { secret, createdAt: now };
}

/**
 * The environment's credentials, read only: `environment_secret` is always `null` (the secret is
 * shown once, by {@link createEnvironmentSecret} or {@link rotateEnvironmentSecret}; docs/security.md
 * H-82: no read creates a secret). `secret_created_at` is `null` while none exists.
 * @throws NotFound for an unknown environment.
 */
export async function getCredentials(ctx: Context, slug: string): Promise<CredentialsDto> {
  const env = await requireEnvironment(ctx, slug);
  const rows = await repositories(ctx.store).credentials.list(env.id);
  const current = rows.find((r) => r.kind === 'secret' && r.expires_at === null);
  return {
    environment_key: env.environmentKey,
    environment_secret: null,
    environment_secret_note: environmentSecretNote(env.slug, current !== undefined),
    secret_created_at: current ? iso(Number(current.created_at)) : null,
    public_keys: rows.filter((r) => r.kind === 'public_key').map(publicKeyDto),
  };
}

/**
 * Creates the environment secret (512 bits) when none exists.
 * @returns the new secret, shown this once.
 * @throws NotFound for an unknown environment; Conflict `conflict` when a secret exists
 *   (use {@link rotateEnvironmentSecret} for a new one).
 */
export async function createEnvironmentSecret(ctx: Context, actor: Actor, slug: string): Promise<NewSecretDto> {
  const env = await requireEnvironment(ctx, slug);
  const { secret, createdAt } = await writeSecret(ctx, actor, env.id, 0, 'create');
  return { environment_key: env.environmentKey, environment_secret: secret, secret_created_at: iso(createdAt) };
}

/**
 * Issues a new environment secret; the previous one keeps working `graceSeconds` (default 0).
 * @returns the new secret, shown this once.
 */
export async function rotateEnvironmentSecret(
  ctx: Context,
  actor: Actor,
  slug: string,
  graceSeconds = 0,
): Promise<NewSecretDto> {
  const env = await requireEnvironment(ctx, slug);
  const { secret, createdAt } = await writeSecret(ctx, actor, env.id, graceSeconds, 'rotate');
  return { environment_key: env.environmentKey, environment_secret: secret, secret_created_at: iso(createdAt) };
}

/**
 * Registers a public key bound to `alg` (and `kid` when given).
 * @throws InvalidInput (400) for a weak or mismatched key (D-48), 409 for a repeated kid.
 */
export async function addPublicKey(
  ctx: Context,
  actor: Actor,
  slug: string,
  input: { alg: string; key: string; kid?: string | undefined; allow_admin?: boolean | undefined },
): Promise<PublicKeyDto> {
  const env = await requireEnvironment(ctx, slug);
  const jwk = await validatePublicKey(input.alg, input.key);
  const kid = input.kid ?? (typeof jwk.kid === 'string' ? jwk.kid : null);
  if (kid !== null && (kid.length === 0 || kid.length > 200)) throw new InvalidInput('kid must be 1 to 200 characters');
  const now = nowSeconds(ctx.clock);
  const row: EnvironmentCredentialTable = {
    id: `key_${generateId(12)}`,
    environment_id: env.id,
    kind: 'public_key',
    alg: input.alg,
    kid,
    material: JSON.stringify({ ...jwk, ...(kid !== null && { kid }) }),
    allow_admin: input.allow_admin === false ? 0 : 1,
    expires_at: null,
    created_at: now,
  };
  await command(ctx, async (uow) => {
    // Decided with the environment's row locked (docs/security.md K-100): two keys of one kid at
    // once can't both find it free.
    await uow.credentials.lockEnvironment(env.id);
    if (kid !== null && (await uow.credentials.kidTaken(env.id, kid)))
      throw new Conflict(`a key with kid ${kid} is registered`);
    await uow.credentials.insert(row);
    await uow.change('credential', env.id, now);
    await uow.audit(
      actor,
      { environmentId: env.id, action: 'environment.public_key_add', target: row.id, details: { alg: input.alg, kid } },
      ctx.clock.now(),
    );
  });
  return publicKeyDto(row);
}

/**
 * Removes a registered public key.
 * @throws NotFound
 */
export async function removePublicKey(ctx: Context, actor: Actor, slug: string, id: string): Promise<void> {
  const env = await requireEnvironment(ctx, slug);
  const now = nowSeconds(ctx.clock);
  await command(ctx, async (uow) => {
    if (!(await uow.credentials.deletePublicKey(env.id, id))) throw new NotFound('public key');
    await uow.change('credential', env.id, now);
    if (await uow.tokens.revokeExchangedForCustomers(env.id, undefined, now))
      await uow.change('revocation', `customers:${env.id}`, now);
    await uow.audit(
      actor,
      { environmentId: env.id, action: 'environment.public_key_remove', target: id },
      ctx.clock.now(),
    );
  });
}
