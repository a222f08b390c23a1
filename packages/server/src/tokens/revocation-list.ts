/**
 * Revoked `jti`s that have not expired yet, in memory on every node; reloaded from the store when
 * the change feed reports a revocation, so revocations are honoured everywhere within 1 s.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { repositories } from '../store/unit-of-work.js';

/** The set of revoked, unexpired token ids. */
export class RevocationList {
  private revoked = new Set<string>();

  constructor(private readonly ctx: Context) {}

  /** Reloads from `issued_tokens` (rows revoked and not yet expired). */
  async reload(): Promise<void> {
    const now = nowSeconds(this.ctx.clock);
    this.revoked = new Set(await repositories(this.ctx.store).tokens.revokedJtis(now));
  }

  /** True when `jti` was revoked. */
  has(jti: string): boolean {
    return this.revoked.has(jti);
  }

  /** Marks `jti` revoked locally at once (the store write is the caller's). */
  add(jti: string): void {
    this.revoked.add(jti);
  }
}
