/**
 * Issuing access tokens with server-side reuse: for the same (integration, audience, scope set)
 * the same token is returned until `refresh_before` seconds before it expires (PRODUCT.md
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
import { audit } from '../services/audit.js';
import type { GroupCommit } from '../store/group-commit.js';
import { TooManyRequests } from '../errors/oauth-error.js';
import { newJti, signAccessToken } from './access-token.js';

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

/** Most reuse keys remembered per client record (distinct audience and scope sets it asked for). */
const KEYS_PER_CLIENT = 64;

/** The reuse key: a digest of integration, token generation, audience and canonical scope. */
function reuseKey(client: ClientRecord, api: ApiRecord, scope: string): string {
  return createHash('sha256').update(JSON.stringify([client.id, client.generation, api.audience, scope])).digest('base64url');
}

/** Issues tokens, reusing them where the environment allows. */
export class TokenIssuer {
  /**
   * Reusable tokens by reuse key, bounded by size (about 32 MiB, some 25,000 tokens) so memory
   * stays flat however many integrations are active; a token that fell out is found again in the
   * store's `token_reuse` table.
   */
  private readonly reusable = new LRUCache<string, ReusableToken>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (value, key) => value.token.length + value.jti.length + key.length + 200 });
  /**
   * Reuse keys already derived, per client record (a changed client is a new record, so its keys
   * are derived anew), by audience and scope; at most {@link KEYS_PER_CLIENT} each.
   */
  private readonly reuseKeys = new WeakMap<ClientRecord, Map<string, string>>();
  /** Tells whether a `jti` was revoked (set by the revocation list). */
  isRevoked: (jti: string) => boolean = () => false;
  /** Told of every token handed out (metrics). */
  onIssue: (outcome: 'minted' | 'reused') => void = () => {};

  /** @param writes the transactions mints are written in (grouped on SQLite). */
  constructor(
    private readonly ctx: Context,
    private readonly keys: KeyRing,
    private readonly writes: GroupCommit,
  ) {}

  /** {@link reuseKey}, derived once per client record, audience and scope. */
  private reuseKey(client: ClientRecord, api: ApiRecord, scope: string): string {
    let keys = this.reuseKeys.get(client);
    if (!keys || keys.size >= KEYS_PER_CLIENT) this.reuseKeys.set(client, (keys = new Map()));
    const id = `${api.audience}\n${scope}`;
    let key = keys.get(id);
    if (key === undefined) keys.set(id, (key = reuseKey(client, api, scope)));
    return key;
  }

  /**
   * A token for `client` on `api` with `scopes` (already validated and in canonical order).
   * @throws store errors (answered 503); nothing is written when one occurs.
   */
  async issue(env: EnvironmentRecord, client: ClientRecord, api: ApiRecord, scopes: string[], actor: Actor): Promise<IssuedToken> {
    const now = nowSeconds(this.ctx.clock);
    const scope = scopes.join(' ');
    const reuse = env.refreshBefore < env.tokenLifetime;
    const key = this.reuseKey(client, api, scope);
    if (reuse) {
      const found = this.reusable.get(key) ?? (await this.loadReusable(key));
      if (found && now < found.refreshAt && !this.isRevoked(found.jti)) {
        this.reusable.set(key, found);
        this.onIssue('reused');
        return { accessToken: found.token, expiresIn: found.expiresAt - now, scope, jti: found.jti, reused: true };
      }
    }
    if (client.tokenQuotaPerHour !== null) await this.checkQuota(client, now);
    const jti = newJti(this.ctx.clock.now());
    const expiresAt = now + env.tokenLifetime;
    const signingKey = this.keys.signingKey();
    const token = await signAccessToken(
      { iss: this.ctx.config.issuer, sub: client.clientId, aud: api.audience, exp: expiresAt, iat: now, jti, client_id: client.clientId, scope, environment: env.slug },
      signingKey,
    );
    const minted: ReusableToken = { token, jti, expiresAt, refreshAt: expiresAt - env.refreshBefore };
    const won = await this.writes.run(async (trx) => {
      if (reuse) {
        const row = { reuse_key: key, integration_id: client.id, jti, token_enc: this.ctx.sealer.seal(token, key), scope, expires_at: expiresAt, refresh_at: minted.refreshAt };
        const res = await trx
          .insertInto('token_reuse')
          .values(row)
          .onConflict((oc) => oc.column('reuse_key').doUpdateSet(row).where('token_reuse.refresh_at', '<=', now))
          .executeTakeFirst();
        // Another request or node holds a fresh token for this key: nothing of ours is written.
        if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      }
      await trx
        .insertInto('issued_tokens')
        .values({ jti, integration_id: client.id, environment_id: env.id, audience: api.audience, scope, kid: signingKey.kid, issued_at: now, expires_at: expiresAt, revoked_at: null })
        .execute();
      await audit(trx, actor, { environmentId: env.id, action: 'token.mint', target: client.clientId, details: { audience: api.audience, scope, jti } }, this.ctx.clock.now());
      return true;
    });
    if (!won) {
      // Another request or node minted first: hand out its token.
      const winner = await this.loadReusable(key);
      if (!winner) throw new Error('reusable token vanished after a lost race');
      this.reusable.set(key, winner);
      this.onIssue('reused');
      return { accessToken: winner.token, expiresIn: winner.expiresAt - now, scope, jti: winner.jti, reused: true };
    }
    if (reuse) this.reusable.set(key, minted);
    this.onIssue('minted');
    return { accessToken: token, expiresIn: env.tokenLifetime, scope, jti, reused: false };
  }

  /**
   * Refuses a mint beyond the integration's hourly quota (reused tokens don't count).
   * @throws TooManyRequests with `Retry-After` until the oldest mint of the hour ages out.
   */
  private async checkQuota(client: ClientRecord, now: number): Promise<void> {
    const rows = await this.ctx.db
      .selectFrom('issued_tokens')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('issued_at').as('oldest')])
      .where('integration_id', '=', client.id)
      .where('issued_at', '>', now - 3600)
      .executeTakeFirstOrThrow();
    if (Number(rows.n) >= client.tokenQuotaPerHour!) {
      throw new TooManyRequests(Number(rows.oldest) + 3600 - now, 'the integration has used its token quota for this hour');
    }
  }

  private async loadReusable(key: string): Promise<ReusableToken | undefined> {
    const row = await this.ctx.db.selectFrom('token_reuse').selectAll().where('reuse_key', '=', key).executeTakeFirst();
    if (!row) return undefined;
    return { token: this.ctx.sealer.open(row.token_enc, key), jti: row.jti, expiresAt: Number(row.expires_at), refreshAt: Number(row.refresh_at) };
  }

  /** Forgets every reusable token in memory (they stay in the store). */
  clear(): void {
    this.reusable.clear();
  }
}

