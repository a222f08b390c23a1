/**
 * `invitations`: single-use, expiring links to join an environment with a role. Only the SHA-256
 * of the token is stored; {@link InvitationRepository.claim} marks one used with a conditional
 * update, so of concurrent accepts exactly one wins; {@link InvitationRepository.revoke} deletes a
 * pending one with a conditional delete, so a revoke and an accept racing can't both succeed.
 * @packageDocumentation
 */
import type { InvitationTable } from '../schema.js';
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

const COLUMNS = ['id', 'environment_id', 'email', 'role', 'invited_by', 'created_at', 'expires_at', 'used_at'] as const;

function toRecord(r: Omit<InvitationTable, 'token_hash'>): InvitationRecord {
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

  /** The invitation with this id, or undefined. */
  async byId(id: string): Promise<InvitationRecord | undefined> {
    const r = await this.db.selectFrom('invitations').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    return r && toRecord(r);
  }

  /** The invitation whose token digest is `tokenHash`, or undefined. */
  async byTokenHash(tokenHash: string): Promise<InvitationRecord | undefined> {
    const r = await this.db
      .selectFrom('invitations')
      .select(COLUMNS)
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return r && toRecord(r);
  }

  /**
   * The pending (unused, unexpired at `now`, seconds) invitations of an environment, oldest first,
   * at most `limit`; only those of `email` (normalized), or the one `id`, when given.
   */
  async pendingIn(
    environmentId: string,
    now: number,
    { limit, email, id }: { limit: number; email?: string; id?: string },
  ): Promise<InvitationRecord[]> {
    let q = this.db
      .selectFrom('invitations')
      .select(COLUMNS)
      .where('environment_id', '=', environmentId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now);
    if (email !== undefined) q = q.where('email', '=', email);
    if (id !== undefined) q = q.where('id', '=', id);
    const rows = await q.orderBy('created_at').orderBy('id').limit(limit).execute();
    return rows.map(toRecord);
  }

  /**
   * Deletes the invitation `id` of `environmentId` if it is still pending at `now` (seconds): one
   * conditional statement, so of a revoke and an accept ({@link claim}) racing exactly one wins.
   * @returns true when it was pending and is gone.
   */
  async revoke(id: string, environmentId: string, now: number): Promise<boolean> {
    const r = await this.db
      .deleteFrom('invitations')
      .where('id', '=', id)
      .where('environment_id', '=', environmentId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
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
