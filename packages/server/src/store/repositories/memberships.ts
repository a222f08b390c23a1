/**
 * `memberships`: an account's role in an environment. Read on every member request (the policy
 * decides on current state, never on what a session remembers).
 * @packageDocumentation
 */
import type { Queryable } from './queryable.js';

/** A member of an environment, as listed. */
export interface MemberRow {
  accountId: string;
  email: string;
  role: string;
  /** Seconds since the epoch. */
  createdAt: number;
}

/** The `memberships` table. */
export class MembershipRepository {
  constructor(private readonly db: Queryable) {}

  /** The role of `accountId` in `environmentId`, or undefined when it isn't a member. */
  async role(accountId: string, environmentId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('memberships')
      .select('role')
      .where('account_id', '=', accountId)
      .where('environment_id', '=', environmentId)
      .executeTakeFirst();
    return row?.role;
  }

  /** Every environment of an account (id and slug), with its role there, by slug. */
  async ofAccount(accountId: string): Promise<{ environmentId: string; slug: string; role: string }[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('environments', 'environments.id', 'memberships.environment_id')
      .select(['memberships.environment_id', 'environments.slug', 'memberships.role'])
      .where('memberships.account_id', '=', accountId)
      .orderBy('environments.slug')
      .execute();
    return rows.map((r) => ({ environmentId: r.environment_id, slug: r.slug, role: r.role }));
  }

  /** The members of an environment, oldest first (at most `limit`). */
  async list(environmentId: string, limit: number): Promise<MemberRow[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .innerJoin('admins', 'admins.id', 'memberships.account_id')
      .select(['memberships.account_id', 'admins.email', 'memberships.role', 'memberships.created_at'])
      .where('memberships.environment_id', '=', environmentId)
      .orderBy('memberships.created_at')
      .orderBy('admins.email')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      accountId: r.account_id,
      email: r.email,
      role: r.role,
      createdAt: Number(r.created_at),
    }));
  }

  /**
   * Adds a membership, or sets the role of an existing one.
   * @param createdAt seconds since the epoch (kept when the membership exists).
   */
  async upsert(m: { accountId: string; environmentId: string; role: string; createdAt: number }): Promise<void> {
    await this.db
      .insertInto('memberships')
      .values({ account_id: m.accountId, environment_id: m.environmentId, role: m.role, created_at: m.createdAt })
      .onConflict((oc) => oc.columns(['account_id', 'environment_id']).doUpdateSet({ role: m.role }))
      .execute();
  }

  /** Sets the role of an existing membership. @returns false when there is none. */
  async updateRole(accountId: string, environmentId: string, role: string): Promise<boolean> {
    const r = await this.db
      .updateTable('memberships')
      .set({ role })
      .where('account_id', '=', accountId)
      .where('environment_id', '=', environmentId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Removes a membership. @returns false when there was none. */
  async delete(accountId: string, environmentId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('memberships')
      .where('account_id', '=', accountId)
      .where('environment_id', '=', environmentId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** How many owners an environment has. */
  async countOwners(environmentId: string): Promise<number> {
    const row = await this.db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('environment_id', '=', environmentId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
