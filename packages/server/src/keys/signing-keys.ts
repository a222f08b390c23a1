/**
 * Signing-key lifecycle in the store: generate (ES256), keep exactly one active key, rotate with
 * pre-publication, retire. Private keys are sealed with the master key.
 * @packageDocumentation
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { isUniqueViolation } from '../store/repositories/queryable.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';

/** The algorithm of Gatehouse access tokens. */
export const SIGNING_ALG = 'ES256';

/** A key row as the key ring reads it. Times in seconds. */
export interface SigningKeyRow {
  kid: string;
  alg: string;
  state: 'next' | 'active' | 'retiring';
  publicJwk: JWK;
  privateJwk: JWK;
  createdAt: number;
  activatesAt: number;
  retiredAt: number | null;
  expiresAt: number | null;
}

async function newKey(ctx: Context, state: 'next' | 'active', activatesAt: number) {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const publicJwk = { ...pub, kid, alg: SIGNING_ALG, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG };
  return {
    kid,
    alg: SIGNING_ALG,
    public_jwk: JSON.stringify(publicJwk),
    private_jwk_enc: ctx.sealer.seal(JSON.stringify(privateJwk), `signing-key:${kid}`),
    state,
    created_at: nowSeconds(ctx.clock),
    activates_at: activatesAt,
    retired_at: null,
    expires_at: null,
  };
}

/**
 * Makes sure one key is active, generating it on first start. Nodes racing on an empty store end
 * with exactly one: a partial unique index admits one `active` row, and the losers read it (F-64).
 */
export async function ensureActiveKey(ctx: Context): Promise<void> {
  if ((await repositories(ctx.store).signingKeys.activeKid()) !== undefined) return;
  const row = await newKey(ctx, 'active', nowSeconds(ctx.clock));
  try {
    await unitOfWork(ctx.store, async (uow) => {
      await uow.signingKeys.insert(row);
      await uow.change('keys', row.kid, row.created_at);
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

/** Every key still published (next, active, retiring not yet expired), newest first. */
export async function loadSigningKeys(ctx: Context): Promise<SigningKeyRow[]> {
  const now = nowSeconds(ctx.clock);
  const rows = await repositories(ctx.store).signingKeys.published(now);
  return rows.map((r) => ({
    kid: r.kid,
    alg: r.alg,
    state: r.state as SigningKeyRow['state'],
    publicJwk: JSON.parse(r.public_jwk) as JWK,
    privateJwk: JSON.parse(ctx.sealer.open(r.private_jwk_enc, `signing-key:${r.kid}`)) as JWK,
    createdAt: Number(r.created_at),
    activatesAt: Number(r.activates_at),
    retiredAt: r.retired_at === null ? null : Number(r.retired_at),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
  }));
}

/** Longest token lifetime of any environment, seconds: how long a retired key must stay published. */
async function longestLifetime(ctx: Context): Promise<number> {
  const longest = await repositories(ctx.store).environments.longestTokenLifetime();
  return (longest ?? 86_400) + ctx.config.clockSkew;
}

/**
 * Persists due switches: a `next` key whose time has come becomes `active`, the old active key
 * becomes `retiring` and stays published until the last token it signed expires.
 */
export async function promoteDueKeys(ctx: Context): Promise<boolean> {
  const now = nowSeconds(ctx.clock);
  const due = await repositories(ctx.store).signingKeys.dueNextKid(now);
  if (due === undefined) return false;
  const keep = await longestLifetime(ctx);
  return unitOfWork(ctx.store, async (uow) => {
    // Two processes may promote the same key at once. Only keys other than `due` are retired, so
    // the one that comes second finds nothing left to do instead of retiring the key the first
    // just made active (which left no active key at all).
    if (!(await uow.signingKeys.promote(due, now, now + keep))) return false;
    await uow.change('keys', due, now);
    return true;
  });
}

/**
 * Rotates the signing key. Without `now` the new key is published first and signs only after the
 * JWKS cache lifetime (`config.jwksMaxAge` seconds), so resource servers already know it; with
 * `now` it signs at once.
 * @returns the new key's `kid` and when it signs (seconds).
 */
export async function rotateSigningKey(
  ctx: Context,
  actor: Actor,
  opts: { now?: boolean } = {},
): Promise<{ kid: string; activates_at: number }> {
  const now = nowSeconds(ctx.clock);
  const activatesAt = opts.now ? now : now + ctx.config.jwksMaxAge;
  const row = await newKey(ctx, 'next', activatesAt);
  await unitOfWork(ctx.store, async (uow) => {
    await uow.signingKeys.deleteNext();
    await uow.signingKeys.insert(row);
    await uow.change('keys', row.kid, now);
    await uow.audit(
      actor,
      { environmentId: null, action: 'keys.rotate', target: row.kid, details: { now: !!opts.now } },
      ctx.clock.now(),
    );
  });
  if (opts.now) await promoteDueKeys(ctx);
  return { kid: row.kid, activates_at: activatesAt };
}
