/**
 * Ids of Environment API resources: a prefix, the creation time and randomness, so that ordering
 * by id is ordering by creation and serves as a stable pagination cursor.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';

/** A new id like `prj_0mh3k2q1xa7Qz9kLmN2p`; `nowMs` in milliseconds. */
export function resourceId(prefix: string, nowMs: number): string {
  return `${prefix}_${nowMs.toString(36).padStart(9, '0')}${randomBytes(9).toString('base64url')}`;
}

/** Clamps a page size to 1…100 (default 50). */
export function pageSize(limit: number | undefined): number {
  return Math.min(100, Math.max(1, limit ?? 50));
}

/** Builds `{items, next_cursor}` from `limit + 1` rows. */
export function page<T extends { id: string }>(rows: T[], limit: number): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, next_cursor: rows.length > limit ? items[items.length - 1]!.id : null };
}
