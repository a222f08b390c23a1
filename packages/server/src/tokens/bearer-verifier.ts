/**
 * Verifies bearer tokens presented to the Environment API: Gatehouse access tokens (RFC 9068 §4)
 * and, through {@link CustomerTokenVerifier}, tenant-signed customer tokens. Results are cached by
 * token until expiry, so a repeated token costs no signature check; revocations, key changes and
 * integration changes clear the cache.
 * @packageDocumentation
 */
import { errors as joseErrors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { InvalidToken } from '../errors/api-error.js';
import type { KeyRing } from '../keys/key-ring.js';
import { SIGNING_ALG } from '../keys/signing-keys.js';
import type { Directory } from '../cache/directory.js';
import type { BearerPrincipal, CustomerPrincipal, IntegrationPrincipal } from '../auth/principal.js';
import { ACCESS_TOKEN_TYP } from './access-token.js';
import { decodeStrict, MalformedToken, type DecodedJws } from '../auth/jwt-structure.js';
import { MAX_TOKEN_LENGTH } from '../auth/deps.js';
import type { RevocationList } from './revocation-list.js';
import { actDepth } from './subject-token.js';
import type { ActClaim } from '@gatehouse/contracts';

export { MAX_TOKEN_LENGTH };
/** Least time between key reloads triggered by an unknown `kid`, milliseconds (C-32, F-58). */
export const KEY_RELOAD_COOLDOWN_MS = 5000;

/** Verifies tenant-signed customer tokens (see customer-token-verifier.ts). */
export interface CustomerTokenVerifier {
  verify(token: string, decoded: DecodedJws, now: number): Promise<BearerPrincipal | undefined>;
  /**
   * Told of every use of a customer's token, a cached one included, so the customer's "seen" write
   * (throttled, off the request path) is retried after a failed one. Never waits or throws.
   */
  used(principal: CustomerPrincipal): void;
}

/** Verification of bearer tokens with a cache. */
export class BearerVerifier {
  /**
   * Verified tokens by their text, bounded by size (about 32 MiB, some 25,000 tokens); a token that
   * fell out is verified again.
   */
  private readonly cache = new LRUCache<string, BearerPrincipal>({
    maxSize: 32 * 1024 * 1024,
    sizeCalculation: (_value, key) => key.length + 400,
  });
  private lastKeyReload = 0;

  /**
   * @param customers verifies tokens of other issuers (tenant-signed customer tokens), when supported.
   * @param onVerify told of every verification (metrics).
   */
  constructor(
    private readonly ctx: Context,
    private readonly keys: KeyRing,
    private readonly directory: Directory,
    private readonly revocations: RevocationList,
    private readonly customers: CustomerTokenVerifier | undefined,
    private readonly onVerify: (result: 'cache_hit' | 'verified' | 'refused') => void = () => {},
  ) {}

  /**
   * The principal behind `token`.
   * @throws InvalidToken (401, RFC 6750 §3.1) for anything but a valid, unexpired, unrevoked token.
   */
  async verify(token: string): Promise<BearerPrincipal> {
    try {
      return await this.verifyCounted(token);
    } catch (err) {
      this.onVerify('refused');
      throw err;
    }
  }

  private async verifyCounted(token: string): Promise<BearerPrincipal> {
    // Bounded before the cache lookup too: a token that long was never cached (C-44, H-76).
    if (token.length > MAX_TOKEN_LENGTH) throw new InvalidToken();
    const now = nowSeconds(this.ctx.clock);
    const hit = this.cache.get(token);
    if (hit) {
      if (now > hit.exp + this.ctx.config.clockSkew) {
        this.cache.delete(token);
        throw new InvalidToken('the access token expired');
      }
      if ((hit.type === 'integration' || hit.type === 'customer') && hit.jti && this.revocations.has(hit.jti))
        throw new InvalidToken('the access token was revoked');
      if (hit.type === 'customer' && !hit.act) this.customers?.used(hit);
      this.onVerify('cache_hit');
      return hit;
    }
    let decoded: DecodedJws;
    try {
      decoded = decodeStrict(token);
    } catch (err) {
      if (err instanceof MalformedToken) throw new InvalidToken(`the token is malformed: ${err.message}`);
      throw err;
    }
    const iss = decoded.payload.iss;
    let principal: BearerPrincipal | undefined;
    if (iss === this.ctx.config.issuer) principal = await this.verifyAccessToken(token, decoded, now);
    else if (iss === undefined) throw new InvalidToken('the token has no iss claim');
    else if (typeof iss === 'string' && this.customers) principal = await this.customers.verify(token, decoded, now);
    if (!principal) throw new InvalidToken('unknown issuer: iss must be this server or an environment key');
    this.cache.set(token, principal);
    if (principal.type === 'customer' && !principal.act) this.customers?.used(principal);
    this.onVerify('verified');
    return principal;
  }

  private async verifyAccessToken(
    token: string,
    { header, payload }: DecodedJws,
    now: number,
  ): Promise<IntegrationPrincipal | CustomerPrincipal> {
    if (header.alg !== SIGNING_ALG || typeof header.kid !== 'string' || header.kid.length > 128)
      throw new InvalidToken();
    const key = this.keys.verificationKey(header.kid) ?? (await this.reloadKeysFor(header.kid));
    if (!key) throw new InvalidToken();
    const skew = this.ctx.config.clockSkew;
    try {
      await jwtVerify(token, key.publicKey, {
        algorithms: [SIGNING_ALG],
        typ: ACCESS_TOKEN_TYP,
        issuer: this.ctx.config.issuer,
        audience: this.ctx.config.audience,
        clockTolerance: skew,
        currentDate: new Date(this.ctx.clock.now()),
        requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id', 'scope', 'environment'],
      });
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new InvalidToken('the access token expired');
      if (err instanceof joseErrors.JOSEError) throw new InvalidToken();
      throw err;
    }
    const { exp, iat, jti, sub, client_id: clientId, scope, environment, aud } = payload;
    if (
      typeof exp !== 'number' ||
      typeof iat !== 'number' ||
      typeof jti !== 'string' ||
      typeof clientId !== 'string' ||
      typeof sub !== 'string' ||
      (payload.act === undefined && sub !== clientId)
    )
      throw new InvalidToken();
    if (typeof scope !== 'string' || typeof environment !== 'string' || typeof aud !== 'string')
      throw new InvalidToken();
    if (iat > now + skew) throw new InvalidToken();
    const env = await this.directory.environment('slug', environment);
    if (!env || exp - iat > env.tokenLifetime) throw new InvalidToken();
    const client = await this.directory.client(clientId);
    if (!client || !client.enabled || client.environmentId !== env.id) throw new InvalidToken();
    if (this.revocations.has(jti)) throw new InvalidToken('the access token was revoked');
    const scopes: ReadonlySet<string> = new Set(scope.split(' '));
    const jkt = (payload.cnf as { jkt?: unknown } | undefined)?.jkt;
    if (payload.cnf !== undefined && (typeof jkt !== 'string' || jkt.length > 64)) throw new InvalidToken();
    if (payload.act !== undefined) {
      // An exchanged token (RFC 8693): the principal is its subject, acted for by `client_id`.
      if (actDepth(payload.act) === undefined) throw new InvalidToken();
      const delegation = { act: payload.act as ActClaim, actorClientId: clientId };
      if (payload.subject_type === 'customer')
        return {
          type: 'customer',
          environmentId: env.id,
          environment: env.slug,
          customerId: sub,
          name: null,
          fields: {},
          scopes,
          exp,
          jti,
          ...(typeof jkt === 'string' && { jkt }),
          ...delegation,
        };
      const subject = await this.directory.client(sub);
      if (payload.subject_type !== 'integration' || !subject || !subject.enabled || subject.environmentId !== env.id)
        throw new InvalidToken();
      return {
        type: 'integration',
        environmentId: env.id,
        environment: env.slug,
        integrationId: subject.id,
        clientId: sub,
        tokenScopes: scopes,
        scopes,
        jti,
        exp,
        ...(typeof jkt === 'string' && { jkt }),
        ...delegation,
      };
    }
    return {
      type: 'integration',
      environmentId: env.id,
      environment: env.slug,
      integrationId: client.id,
      clientId,
      tokenScopes: scopes,
      scopes,
      jti,
      exp,
      ...(typeof jkt === 'string' && { jkt }),
    };
  }

  private async reloadKeysFor(kid: string) {
    const now = Date.now();
    if (now - this.lastKeyReload < KEY_RELOAD_COOLDOWN_MS) return undefined;
    this.lastKeyReload = now;
    // Reads only: a request never writes (due key switches are persisted by maintenance).
    await this.keys.load();
    return this.keys.verificationKey(kid);
  }

  /** Forgets every cached result. */
  clear(): void {
    this.cache.clear();
  }
}
