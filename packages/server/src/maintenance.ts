/**
 * Periodic housekeeping: audit events older than the retention period (and the webhook deliveries
 * they made, once delivered or given up), expired token rows,
 * expired reusable tokens, old throttle windows, expired console sessions and used `jti`s past
 * their JWT's lifetime are deleted; due key switches are persisted. Runs hourly on every node
 * (the deletes are idempotent).
 * @packageDocumentation
 */
import type { Context } from './context.js';
import { nowSeconds } from './clock.js';
import { promoteDueKeys } from './keys/signing-keys.js';
import { repositories } from './store/unit-of-work.js';

/** What one pass removed. */
export interface PurgeResult {
  auditEvents: number;
  issuedTokens: number;
  reusableTokens: number;
  /** Delivered and failed webhook deliveries older than the audit retention (with their attempts). */
  webhookDeliveries: number;
}

/** One housekeeping pass. */
export async function purgeExpired(ctx: Context): Promise<PurgeResult> {
  const now = nowSeconds(ctx.clock);
  const auditCutoffMs = ctx.clock.now() - ctx.config.auditRetentionDays * 86_400_000;
  const repos = repositories(ctx.store);
  const auditEvents = await repos.auditLog.purge(auditCutoffMs);
  const webhookDeliveries = await repos.webhookOutbox.purge(auditCutoffMs);
  // A revoked jti must stay known until its exp; past exp (and the skew) nothing accepts it anyway.
  const issuedTokens = await repos.tokens.purgeIssued(now - ctx.config.clockSkew);
  const reusableTokens = await repos.tokens.purgeReusable(now);
  await repos.throttleCounters.purge(ctx.clock.now() - 3_600_000);
  await repos.sessions.purgeExpired(now, false);
  await repos.usedJtis.purge(now);
  await promoteDueKeys(ctx);
  return { auditEvents, issuedTokens, reusableTokens, webhookDeliveries };
}

/** Runs {@link purgeExpired} every `intervalMs` (default one hour); returns a stop function. */
export function scheduleMaintenance(ctx: Context, intervalMs = 3_600_000): () => void {
  const timer = setInterval(() => void purgeExpired(ctx).catch(() => undefined), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
