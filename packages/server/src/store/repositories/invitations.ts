/**
 * `invitations`: single-use, expiring links to join an environment with a role. Only the SHA-256
 * of the token is stored; {@link InvitationRepository.claim} marks one used with a conditional
 * update, so of concurrent accepts exactly one wins.
 * @packageDocumentation
 */
import type { Queryable } from './queryable.js';

/** An invitation as stored (never the token). Times in seconds since the epoch. */
export interface InvitationRecord {
  id: string;
  environmentId: string;
  email: string;
  role: string;
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** The `invitations` table. */
export class InvitationRepository {
  constructor(private readonly db: Queryable) {}

  /** Stores a new invitation. */
  async insert(inv: Omit<InvitationRecord, 'usedAt'> & { tokenHash: string }): Promise<void> {
    await this.db
      .insertInto('invitations')
      .values({
        id: inv.id,
        token_hash: inv.tokenHash,
        environment_id: inv.environmentId,
        email: inv.email,
        role: inv.role,
        invited_by: inv.invitedBy,
        created_at: inv.createdAt,
        expires_at: inv.expiresAt,
        used_at: null,
      })
      .execute();
  }

  /** The invitation whose token has this SHA-256, or undefined. */
  async byTokenHash(tokenHash: string): Promise<InvitationRecord | undefined> {
    const r = await this.db
      .selectFrom('invitations')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      id: r.id,
      environmentId: r.environment_id,
      email: r.email,
      role: r.role,
      invitedBy: r.invited_by,
      createdAt: Number(r.created_at),
      expiresAt: Number(r.expires_at),
      usedAt: r.used_at === null ? null : Number(r.used_at),
    };
  }

  /**
   * Marks an invitation used if it is still unused and unexpired at `now` (seconds).
   * @returns true for the one caller that claimed it.
   */
  async claim(id: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('invitations')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** The unused, unexpired invitations for `email` (normalized) at `now` (seconds), at most 50, oldest first. */
  async pendingFor(email: string, now: number): Promise<{ id: string; environmentId: string; role: string }[]> {
    const rows = await this.db
      .selectFrom('invitations')
      .select(['id', 'environment_id', 'role'])
      .where('email', '=', email)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at')
      .limit(50)
      .execute();
    return rows.map((r) => ({ id: r.id, environmentId: r.environment_id, role: r.role }));
  }

  /** Drops invitations that expired before `now` (seconds) or were used. */
  async deleteSpent(now: number): Promise<void> {
    await this.db
      .deleteFrom('invitations')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)]))
      .execute();
  }
}
