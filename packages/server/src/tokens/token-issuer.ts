/**
 * Issuing access tokens with server-side reuse: for the same (integration, audience, scope set)
 * the same token is returned until `refresh_before` seconds before it expires (docs/product.md
 * "Reuse"). Reusable tokens live in memory and, sealed, in `token_reuse`, so every node hands out
 * the same one; a unique key lets one insert win when requests or nodes race. Mints are written
 * (issued token, reuse row, audit event) in one transaction, shared on SQLite with the other
 * mints of the same event-loop turn ({@link GroupCommit}).
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import type { ApiRecord, EnvironmentRecord } from '../store/repositories/environments.js';
import { repositories } from '../store/unit-of-work.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { AccessTokenClaims, ActClaim } from '@gatehouse/contracts';
import { InvalidGrant, TooManyRequests } from '../errors/oauth-error.js';
import { newJti, signAccessToken } from './access-token.js';
import { UNTRACED, type Steps } from '../telemetry/tracing.js';

/** What the token endpoint answers with. `expiresIn` in seconds. */
export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
  scope: string;
  jti: string;
  reused: boolean;
}

interface ReusableToken {
  token: string;
  jti: string;
  /** Seconds. */
  expiresAt: number;
  /** Seconds: after this the token is no longer handed out. */
  refreshAt: number;
}

/**
 * What makes a token an exchanged one (RFC 8693 §2.2.1): whom it is for, who acts, and the
 * subject token it derives from (docs/security.md M-117…M-119).
 */
export interface ExchangeMint {
  /** The subject's `sub`: a customer id or an integration's client_id. */
  sub: string;
  subjectType: 'integration' | 'customer';
  /** The subject's integration id or customer id, recorded so its removal revokes the token. */
  subjectRef: string;
  /** `{sub: <exchanging client_id>}`, nesting the subject token's own `act` (§4.1). */
  act: ActClaim;
  /** The subject token's `jti` when it is a token Gatehouse issued (the chain); null for a customer token. */
  parentJti: string | null;
  /** Seconds: the subject token's `exp`; the exchanged token never outlives it. */
  notAfter: number;
  /** SHA-256 of the subject token: reuse is per subject token, never across subjects (M-119). */
  subjectDigest: string;
}

/** What one mint is for. `now` in seconds. */
interface MintRequest {
  env: EnvironmentRecord;
  client: ClientRecord;
  api: ApiRecord;
  scope: string;
  key: string;
  actor: Actor;
  now: number;
  /** DPoP key thumbprint to bind the token to (`cnf.jkt`). */
  jkt: string | undefined;
  exchange: ExchangeMint | undefined;
}

/** Most reuse keys remembered per client record (distinct audience and scope sets it asked for). */
const KEYS_PER_CLIENT = 64;

/**
 * The reuse key: a digest of issuer, integration, token generation, audience, canonical scope
 * and, for a DPoP-bound token, the key thumbprint (another key never gets this key's token). The
 * issuer is part of it so a restart with another `GATEHOUSE_ISSUER` mints anew instead of handing
 * out a stored token with the old `iss`, which this server would refuse (H-80).
 */
function reuseKey(
  issuer: string,
  client: ClientRecord,
  api: ApiRecord,
  scope: string,
  jkt: string | undefined,
  subjectDigest: string | undefined,
): string {
  const parts = [issuer, client.id, client.generation, api.audience, scope, jkt ?? null];
  // An exchanged token is keyed by its subject token too: never handed out for another (M-119).
  if (subjectDigest !== undefined) parts.push('exchange', subjectDigest);
  else if (!jkt) parts.pop();
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/** Issues tokens, reusing them where the environment allows. */
export class TokenIssuer {
  /**
   * Reusable tokens by reuse key, bounded by size (about 32 MiB, some 25,000 tokens) so memory
   * stays flat however many integrations are active; a token that fell out is found again in the
   * store's `token_reuse` table.
   */
  private readonly reusable = new LRUCache<string, ReusableToken>({
    maxSize: 32 * 1024 * 1024,
    sizeCalculation: (value, key) => value.token.length + value.jti.length + key.length + 200,
  });
  /**
   * Reuse keys already derived, per client record (a changed client is a new record, so its keys
   * are derived anew), by audience and scope; at most {@link KEYS_PER_CLIENT} each.
   */
  private readonly reuseKeys = new WeakMap<ClientRecord, Map<string, string>>();
  /** Store lookups and mints in flight by reuse key, shared by the requests that arrive meanwhile. */
  private readonly minting = new Map<string, Promise<{ token: ReusableToken; reused: boolean }>>();
  /**
   * @param writes the transactions mints are written in (grouped on SQLite).
   * @param revocations tells whether a `jti` was revoked (a revoked token is never handed out again).
   * @param onIssue told of every token handed out (metrics).
   * @param steps runs the mint's `sign` and `store` steps (spans when tracing).
   */
  constructor(
    private readonly ctx: Context,
    private readonly keys: KeyRing,
    private readonly writes: GroupCommit,
    private readonly revocations: { has(jti: string): boolean },
    private readonly onIssue: (outcome: 'minted' | 'reused') => void = () => {},
    private readonly steps: Steps = UNTRACED,
  ) {}

  /** {@link reuseKey}, derived once per client record, audience, scope and DPoP key. */
  private reuseKey(
    client: ClientRecord,
    api: ApiRecord,
    scope: string,
    jkt: string | undefined,
    subjectDigest: string | undefined,
  ): string {
    let keys = this.reuseKeys.get(client);
    if (!keys || keys.size >= KEYS_PER_CLIENT) this.reuseKeys.set(client, (keys = new Map()));
    const id = `${api.audience}\n${scope}\n${jkt ?? ''}\n${subjectDigest ?? ''}`;
    let key = keys.get(id);
    if (key === undefined)
      keys.set(id, (key = reuseKey(this.ctx.config.issuer, client, api, scope, jkt, subjectDigest)));
    return key;
  }

  /**
   * A token for `client` on `api` with `scopes` (already validated and in canonical order).
   * Concurrent requests for the same reuse key share one mint: one signature and one write per
   * process, however many callers arrive at once (e.g. when a token enters its refresh window).
   * With `jkt` the token is DPoP-bound (`cnf.jkt`, RFC 9449 §6.1) and reused for that key only.
   * With `exchange` it is an exchanged token (RFC 8693) for the subject, reused for that subject
   * token only.
   * @throws InvalidGrant when an exchange's subject token was revoked meanwhile; store errors
   *   (answered 503); nothing is written when one occurs.
   */
  async issue(
    env: EnvironmentRecord,
    client: ClientRecord,
    api: ApiRecord,
    scopes: string[],
    actor: Actor,
    jkt?: string,
    exchange?: ExchangeMint,
  ): Promise<IssuedToken> {
    const now = nowSeconds(this.ctx.clock);
    const scope = scopes.join(' ');
    const key = this.reuseKey(client, api, scope, jkt, exchange?.subjectDigest);
    const reuse = env.refreshBefore < env.tokenLifetime;
    const cached = reuse ? this.reusable.get(key) : undefined;
    if (cached && this.fresh(cached, now)) return this.answer(cached, true, scope, now);
    const mint: MintRequest = { env, client, api, scope, key, actor, now, jkt, exchange };
    if (!reuse) return this.answer((await this.mint(mint, false)).token, false, scope, now);
    let pending = this.minting.get(key);
    const waited = pending !== undefined;
    if (!pending) {
      pending = this.loadOrMint(mint).finally(() => this.minting.delete(key));
      this.minting.set(key, pending);
    }
    const { token, reused } = await pending;
    return this.answer(token, reused || waited, scope, now);
  }

  /** What the endpoint answers for `token` at `now` (seconds); counts it as minted or reused. */
  private answer(token: ReusableToken, reused: boolean, scope: string, now: number): IssuedToken {
    this.onIssue(reused ? 'reused' : 'minted');
    return { accessToken: token.token, expiresIn: token.expiresAt - now, scope, jti: token.jti, reused };
  }

  /** True while `token` may still be handed out at `now` (seconds). */
  private fresh(token: ReusableToken, now: number): boolean {
    return now < token.refreshAt && !this.revocations.has(token.jti);
  }

  /** The key's reusable token from the store (another node's, or one evicted from memory), else a new one. */
  private async loadOrMint(m: MintRequest): Promise<{ token: ReusableToken; reused: boolean }> {
    const stored = await this.loadReusable(m.key);
    if (stored && this.fresh(stored, m.now)) {
      this.reusable.set(m.key, stored);
      return { token: stored, reused: true };
    }
    return this.mint(m, true);
  }

  /**
   * Signs and writes a new token; with `reuse`, as the reusable token of its key unless another
   * request or node wrote a fresh one first, which is then answered instead (`reused: true`).
   * @throws TooManyRequests beyond the quota; store errors.
   */
  private async mint(m: MintRequest, reuse: boolean): Promise<{ token: ReusableToken; reused: boolean }> {
    const { env, client, now, key, exchange } = m;
    if (client.tokenQuotaPerHour !== null) await this.checkQuota(client, now);
    const jti = newJti(this.ctx.clock.now());
    // An exchanged token never outlives its subject (RFC 8693; docs/security.md M-117).
    const expiresAt = Math.min(now + env.tokenLifetime, exchange?.notAfter ?? Infinity);
    const signingKey = this.keys.signingKey();
    const token = await this.steps.run('sign', () => signAccessToken(this.claims(m, jti, expiresAt), signingKey), {
      'gatehouse.kid': signingKey.kid,
    });
    const minted: ReusableToken = { token, jti, expiresAt, refreshAt: expiresAt - env.refreshBefore };
    const won = await this.steps.run('store', () => this.write(m, minted, signingKey.kid, reuse));
    if (won === 'subject-revoked') throw new InvalidGrant('the subject token was revoked');
    if (!won) {
      const winner = await this.loadReusable(key);
      if (!winner) throw new Error('reusable token vanished after a lost race');
      this.reusable.set(key, winner);
      return { token: winner, reused: true };
    }
    if (reuse) this.reusable.set(key, minted);
    return { token: minted, reused: false };
  }

  /** The claims of the token minted for `m` (RFC 9068 §2.2): `jti`, `exp` in seconds. */
  private claims(m: MintRequest, jti: string, expiresAt: number): AccessTokenClaims {
    return {
      iss: this.ctx.config.issuer,
      sub: m.exchange?.sub ?? m.client.clientId,
      aud: m.api.audience,
      exp: expiresAt,
      iat: m.now,
      jti,
      client_id: m.client.clientId,
      scope: m.scope,
      environment: m.env.slug,
      ...(m.jkt && { cnf: { jkt: m.jkt } }),
      ...(m.exchange && { act: m.exchange.act, subject_type: m.exchange.subjectType }),
    };
  }

  /**
   * Writes the minted token (issued row, reuse row with `reuse`, audit entry) in one unit of work.
   * @returns true when written; false when another node holds a fresh reusable token for the key
   *   (nothing written); `subject-revoked` when an exchange's subject token was revoked meanwhile.
   */
  private write(
    m: MintRequest,
    minted: ReusableToken,
    kid: string,
    reuse: boolean,
  ): Promise<boolean | 'subject-revoked'> {
    const { env, client, api, scope, key, now, exchange } = m;
    const { token, jti, expiresAt } = minted;
    return this.writes.unit(async (uow) => {
      // The subject token, locked on PostgreSQL: a revocation of it waits, then revokes this one too.
      if (exchange?.parentJti && !(await uow.tokens.lockLive(exchange.parentJti))) return 'subject-revoked';
      if (reuse) {
        const row = {
          reuse_key: key,
          integration_id: client.id,
          jti,
          token_enc: this.ctx.sealer.seal(token, key),
          scope,
          expires_at: expiresAt,
          refresh_at: minted.refreshAt,
        };
        // Another node holds a fresh token for this key: nothing of ours is written.
        if (!(await uow.tokens.putReusable(row, now))) return false;
      }
      await uow.tokens.insertIssued({
        jti,
        integration_id: client.id,
        environment_id: env.id,
        audience: api.audience,
        scope,
        kid,
        issued_at: now,
        expires_at: expiresAt,
        revoked_at: null,
        ...(exchange && {
          parent_jti: exchange.parentJti,
          subject_type: exchange.subjectType,
          subject_ref: exchange.subjectRef,
        }),
      });
      await uow.audit(
        m.actor,
        {
          environmentId: env.id,
          action: 'token.mint',
          target: client.clientId,
          details: {
            audience: api.audience,
            scope,
            jti,
            ...(exchange && {
              exchanged: { sub: exchange.sub, subject_type: exchange.subjectType, parent_jti: exchange.parentJti },
            }),
          },
        },
        this.ctx.clock.now(),
      );
      return true;
    });
  }

  /**
   * Refuses a mint beyond the integration's hourly quota (reused tokens don't count).
   * @throws TooManyRequests with `Retry-After` until the oldest mint of the hour ages out.
   */
  private async checkQuota(client: ClientRecord, now: number): Promise<void> {
    const mints = await repositories(this.ctx.store).tokens.mintsSince(client.id, now - 3600);
    if (mints.count >= client.tokenQuotaPerHour!) {
      throw new TooManyRequests(mints.oldest + 3600 - now, 'the integration has used its token quota for this hour');
    }
  }

  private async loadReusable(key: string): Promise<ReusableToken | undefined> {
    const row = await repositories(this.ctx.store).tokens.reusable(key);
    if (!row) return undefined;
    return {
      token: this.ctx.sealer.open(row.token_enc, key),
      jti: row.jti,
      expiresAt: Number(row.expires_at),
      refreshAt: Number(row.refresh_at),
    };
  }

  /** Forgets every reusable token in memory (they stay in the store). */
  clear(): void {
    this.reusable.clear();
  }
}
