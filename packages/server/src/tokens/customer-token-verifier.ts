/**
 * Customer tokens: JWTs a tenant's backend signs for its end users (docs/product.md "Customer
 * tokens"). The key is looked up only by `iss` (the environment key) and `kid`, never by trying
 * every tenant's keys (D-46); only the algorithms configured for that credential are accepted
 * (D-47); `exp` is required and the lifetime capped per environment (D-49); a `typ` other than
 * `JWT` or an `aud` that doesn't name this environment is refused (H-81).
 * @packageDocumentation
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import type { Context } from '../context.js';
import { InvalidToken } from '../errors/api-error.js';
import { Forbidden } from '../errors/domain-errors.js';
import type { Directory } from '../cache/directory.js';
import { MAX_IDENTIFIER_LENGTH } from '../cache/bounded.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { AdminPrincipal, BearerPrincipal, CustomerPrincipal } from '../auth/principal.js';
import type { CustomerTokenVerifier } from './bearer-verifier.js';
import type { DecodedJws } from '../auth/jwt-structure.js';
import { nowSeconds } from '../clock.js';
import { checkCustomerTokenTarget, readCustomerClaims } from './customer-claims.js';
import type { CustomerSeen } from '../services/customers.js';
import { repositories } from '../store/unit-of-work.js';

/**
 * A specific `error_description` for what jose refused once a key matched (RFC 6750 §3.1): the
 * claim and the rule, never its value.
 */
function describeJoseError(err: InstanceType<typeof joseErrors.JOSEError>): string {
  if (err instanceof joseErrors.JWTExpired) return 'the token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'exp' && err.reason === 'missing')
      return 'the token has no exp claim: customer tokens must expire';
    if (err.reason === 'invalid') return `${err.claim} must be a number (seconds since the epoch)`;
    if (err.claim === 'nbf') return 'the token is not yet valid (nbf is in the future)';
    return `the ${err.claim} claim is not accepted (${err.reason.replace(/_/g, ' ')})`;
  }
  if (err instanceof joseErrors.JWTInvalid) return `the token's claims are invalid: ${err.message.replace(/"/g, '')}`;
  return 'the token is malformed';
}

/** A verification key of an environment. */
interface TenantKey {
  algs: readonly string[];
  kid: string | null;
  key: KeyObject | CryptoKey;
  allowAdmin: boolean;
  /** Seconds; a rotated secret stops working then. */
  expiresAt: number | null;
}

/** Scopes of admin tokens: they manage the environment's customers. */
export const ADMIN_TOKEN_SCOPES: ReadonlySet<string> = new Set(['customers:read', 'customers:write']);

/** Verifies customer and admin tokens against the environment's registered credentials. */
export class CustomerTokens implements CustomerTokenVerifier {
  private readonly keys = new Map<string, Promise<TenantKey[]>>();

  constructor(
    private readonly ctx: Context,
    private readonly directory: Directory,
    private readonly seen: CustomerSeen,
  ) {}

  /** Records the customer as seen (queued, throttled: {@link CustomerSeen.record}). */
  used(principal: CustomerPrincipal): void {
    this.seen.record(principal.environmentId, principal.customerId, principal.name, principal.fields);
  }

  /** Forgets cached credentials (on a credential change). */
  clear(): void {
    this.keys.clear();
  }

  async verify(token: string, { header, payload }: DecodedJws, now: number): Promise<BearerPrincipal | undefined> {
    // An issuer longer than any environment key names none: refused before any lookup (H-76).
    // Messages name what is wrong, never a claim's value (SECURITY.md F-61).
    if (typeof payload.iss !== 'string' || payload.iss.length > MAX_IDENTIFIER_LENGTH)
      throw new InvalidToken('unknown issuer: iss must be an environment key');
    const env = await this.directory.environment('environment_key', payload.iss);
    if (!env) throw new InvalidToken('unknown issuer: iss must be an environment key');
    checkCustomerTokenTarget(header, payload, [
      env.environmentKey,
      env.environmentApi.audience,
      this.ctx.config.audience,
    ]);
    const alg = header.alg as string;
    const kid = typeof header.kid === 'string' ? header.kid : null;
    const keys = await this.keysOf(env);
    const byAlg = keys.filter((k) => k.algs.includes(alg));
    if (!byAlg.length)
      throw new InvalidToken(
        `alg not accepted: this environment's credentials sign with ${[...new Set(keys.flatMap((k) => k.algs))].join(', ') || 'nothing yet'}`,
      );
    const byKid = byAlg.filter((k) => kid === null || k.kid === null || k.kid === kid);
    if (!byKid.length) throw new InvalidToken('unknown kid: no key of this environment has it');
    const candidates = byKid.filter((k) => k.expiresAt === null || k.expiresAt > now);
    if (!candidates.length)
      throw new InvalidToken('the credential that signs these tokens has expired (its rotation grace is over)');
    const skew = this.ctx.config.clockSkew;
    let verified: TenantKey | undefined;
    for (const k of candidates) {
      try {
        await jwtVerify(token, k.key, {
          algorithms: [alg],
          issuer: env.environmentKey,
          clockTolerance: skew,
          currentDate: new Date(this.ctx.clock.now()),
          requiredClaims: ['exp'],
        });
        verified = k;
        break;
      } catch (err) {
        if (err instanceof joseErrors.JWSSignatureVerificationFailed) continue;
        if (err instanceof joseErrors.JOSEError) throw new InvalidToken(describeJoseError(err));
        throw err;
      }
    }
    if (!verified) throw new InvalidToken('bad signature: no credential of this environment verifies it');
    const claims = readCustomerClaims(payload, now, skew, env.customerTokenMaxLifetime);
    if (claims.kind === 'admin') {
      if (!verified.allowAdmin) throw new Forbidden('this credential may not sign admin tokens');
      const admin: AdminPrincipal = {
        type: 'admin',
        environmentId: env.id,
        environment: env.slug,
        scopes: ADMIN_TOKEN_SCOPES,
        exp: claims.exp,
      };
      return admin;
    }
    const customer: CustomerPrincipal = {
      type: 'customer',
      environmentId: env.id,
      environment: env.slug,
      customerId: claims.id,
      name: claims.name,
      fields: claims.fields,
      scopes: new Set(env.customerScopes),
      exp: claims.exp,
    };
    return customer;
  }

  private keysOf(env: EnvironmentRecord): Promise<TenantKey[]> {
    let loaded = this.keys.get(env.id);
    if (!loaded) {
      loaded = this.load(env).catch((err: unknown) => {
        this.keys.delete(env.id);
        throw err;
      });
      this.keys.set(env.id, loaded);
    }
    return loaded;
  }

  private async load(env: EnvironmentRecord): Promise<TenantKey[]> {
    const rows = await repositories(this.ctx.store).credentials.all(env.id);
    const now = nowSeconds(this.ctx.clock);
    const out: TenantKey[] = [];
    for (const r of rows) {
      const expiresAt = r.expires_at === null ? null : Number(r.expires_at);
      if (expiresAt !== null && expiresAt <= now) continue;
      if (r.kind === 'secret') {
        const secret = this.ctx.sealer.open(r.material, `environment-secret:${r.id}`);
        out.push({
          algs: r.alg.split(' '),
          kid: null,
          key: createSecretKey(Buffer.from(secret, 'utf8')),
          allowAdmin: r.allow_admin === 1,
          expiresAt,
        });
      } else {
        out.push({
          algs: [r.alg],
          kid: r.kid,
          key: (await importJWK(JSON.parse(r.material) as JWK, r.alg)) as CryptoKey,
          allowAdmin: r.allow_admin === 1,
          expiresAt,
        });
      }
    }
    return out;
  }
}
