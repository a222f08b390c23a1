/**
 * Periodic housekeeping: audit events older than the retention period, expired token rows,
 * expired reusable tokens, old throttle windows, expired console sessions and used `jti`s past
 * their JWT's lifetime are deleted; due key switches are persisted. Runs hourly on every node
 * (the deletes are idempotent).
 * @packageDocumentation
 */
import type { Context } from './context.js';
import { nowSeconds } from './clock.js';
import { promoteDueKeys } from './keys/signing-keys.js';

/** What one pass removed. */
export interface PurgeResult {
  auditEvents: number;
  issuedTokens: number;
  reusableTokens: number;
}

/** One housekeeping pass. */
export async function purgeExpired(ctx: Context): Promise<PurgeResult> {
  const now = nowSeconds(ctx.clock);
  const auditCutoffMs = ctx.clock.now() - ctx.config.auditRetentionDays * 86_400_000;
  const audit = await ctx.db.deleteFrom('audit_events').where('created_at_ms', '<', auditCutoffMs).executeTakeFirst();
  // A revoked jti must stay known until its exp; past exp (and the skew) nothing accepts it anyway.
  const issued = await ctx.db.deleteFrom('issued_tokens').where('expires_at', '<', now - ctx.config.clockSkew).executeTakeFirst();
  const reusable = await ctx.db.deleteFrom('token_reuse').where('expires_at', '<', now).executeTakeFirst();
  await ctx.db.deleteFrom('throttle_counters').where('window_start_ms', '<', ctx.clock.now() - 3_600_000).execute();
  await ctx.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  await ctx.db.deleteFrom('used_jtis').where('expires_at', '<', now).execute();
  await promoteDueKeys(ctx);
  return { auditEvents: Number(audit.numDeletedRows), issuedTokens: Number(issued.numDeletedRows), reusableTokens: Number(reusable.numDeletedRows) };
}

/** Runs {@link purgeExpired} every `intervalMs` (default one hour); returns a stop function. */
export function scheduleMaintenance(ctx: Context, intervalMs = 3_600_000): () => void {
  const timer = setInterval(() => void purgeExpired(ctx).catch(() => undefined), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
