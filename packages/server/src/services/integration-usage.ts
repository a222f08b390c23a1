/**
 * The visibility part of an integration's wire form (issue #19): last use, when its secret was
 * issued, when a rotated-out secret stops working, live tokens. Last use merges what this node
 * holds in memory and has not written yet (`ctx.usage`, the runtime's ledger,
 * services/usage-ledger.ts; nothing for the CLI) with the stored time, whichever command or read
 * answers the integration.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import { repositories } from '../store/unit-of-work.js';

/** The usage fields of the `Integration` DTO (ISO 8601 times). */
export interface UsageFields {
  /** Its last token issuance or API call; null: never used. Up to a flush interval late on other nodes. */
  last_used_at: string | null;
  /** When its current secret was issued; null: it has no secret (key-only). */
  secret_created_at: string | null;
  /** When the previous (rotated-out) secret stops working; null: none works any more. */
  previous_secret_expires_at: string | null;
  /** Its tokens that are neither expired nor revoked. */
  live_tokens: number;
}

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());

/**
 * Usage fields of `clients` (one environment or several), by internal integration id: two reads,
 * whatever the count, with this node's last uses not written yet (`ctx.usage`).
 */
export async function usageOf(ctx: Context, clients: readonly ClientRecord[]): Promise<Map<string, UsageFields>> {
  const now = nowSeconds(ctx.clock);
  const stored = await repositories(ctx.store).integrationUsage.load(
    clients.map((c) => c.id),
    now,
  );
  const out = new Map<string, UsageFields>();
  for (const c of clients) {
    const u = stored.get(c.id);
    const pending = ctx.usage.pending(c.id);
    const stored_ = u?.lastUsedAt ?? null;
    const last = pending !== undefined && (stored_ === null || pending > stored_) ? pending : stored_;
    const previousEnd =
      c.previousSecretHash !== null && c.previousSecretExpiresAt !== null && c.previousSecretExpiresAt > now
        ? c.previousSecretExpiresAt
        : null;
    out.set(c.id, {
      last_used_at: iso(last),
      secret_created_at: c.hasSecret ? iso(u?.secretCreatedAt ?? c.createdAt) : null,
      previous_secret_expires_at: iso(previousEnd),
      live_tokens: u?.liveTokens ?? 0,
    });
  }
  return out;
}

/** Usage fields of one integration (see {@link usageOf}). */
export async function usageOfOne(ctx: Context, client: ClientRecord): Promise<UsageFields> {
  return (await usageOf(ctx, [client])).get(client.id)!;
}
