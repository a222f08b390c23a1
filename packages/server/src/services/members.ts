/**
 * Environment members (docs/product.md "Delegated administration"): their roles, role changes and
 * removal (never the last owner), and what an account sees of its own memberships. Invitations
 * are in services/invitations.ts. Who may call these is decided by auth/policy.ts.
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import { Conflict, Forbidden, NotFound } from '../errors/domain-errors.js';
import { isMemberRole } from '../auth/policy.js';
import type { MemberRole, Principal } from '../auth/principal.js';
import type { AccountRecord } from '../store/repositories/console-accounts.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';
import { requireEnvironment } from './environments.js';
import { normalizeEmail } from './admins.js';
import { revokePendingOf } from './pending-invitations.js';

/** Most members listed for one environment. */
export const MAX_MEMBERS_LISTED = 1000;

/** A member as the API and CLI show it. */
export interface MemberView {
  account_id: string;
  email: string;
  role: MemberRole;
  /** ISO 8601. */
  created_at: string;
}

/** The role of an account in an environment now, or undefined when it isn't a member. */
export async function roleIn(ctx: Context, accountId: string, environmentId: string): Promise<string | undefined> {
  return repositories(ctx.store).memberships.role(accountId, environmentId);
}

/** A console account by id (its operator flag read now), or undefined. */
export async function accountOf(ctx: Context, accountId: string): Promise<AccountRecord | undefined> {
  return repositories(ctx.store).accounts.byId(accountId);
}

/** The environments of an account (id, slug) with its role in each, by slug. */
export async function membershipsOf(
  ctx: Context,
  accountId: string,
): Promise<{ environmentId: string; slug: string; role: string }[]> {
  return repositories(ctx.store).memberships.ofAccount(accountId);
}

/** The console account a principal signed in as, and its environments (`GET /api/v1/me`). */
export interface AccountView {
  email: string;
  /** True for an operator (who belongs to no environment: every one is theirs to manage). */
  operator: boolean;
  memberships: { environment: string; role: MemberRole }[];
}

/**
 * The console account of `principal` and its environments with its role in each, read now.
 * @throws Forbidden for a principal that is no console account (an integration, a customer).
 */
export async function accountView(ctx: Context, principal: Principal): Promise<AccountView> {
  if (principal.type === 'console') return { email: principal.email, operator: true, memberships: [] };
  if (principal.type !== 'account' && principal.type !== 'member') throw new Forbidden('console accounts only');
  const memberships = (await membershipsOf(ctx, principal.accountId)).map((m) => ({
    environment: m.slug,
    role: m.role as MemberRole,
  }));
  return { email: principal.email, operator: false, memberships };
}

/**
 * The environments of `all` that `principal` may see: every one for an operator, its own for a
 * member account (docs/security.md J-90), none for anyone else.
 */
export async function visibleEnvironments<E extends { slug: string }>(
  ctx: Context,
  principal: Principal,
  all: E[],
): Promise<E[]> {
  if (principal.type === 'console') return all;
  if (principal.type !== 'account' && principal.type !== 'member') return [];
  const mine = new Set((await membershipsOf(ctx, principal.accountId)).map((m) => m.slug));
  return all.filter((e) => mine.has(e.slug));
}

/**
 * The members of the environment `slug`, oldest first.
 * @throws NotFound for an unknown environment.
 */
export async function listEnvironmentMembers(ctx: Context, slug: string): Promise<MemberView[]> {
  const env = await requireEnvironment(ctx, slug);
  const rows = await repositories(ctx.store).memberships.list(env.id, MAX_MEMBERS_LISTED);
  return rows.map((r) => ({
    account_id: r.accountId,
    email: r.email,
    role: isMemberRole(r.role) ? r.role : 'viewer',
    created_at: new Date(r.createdAt * 1000).toISOString(),
  }));
}

/**
 * Changes a member's role; an environment keeps at least one owner. The check and the change
 * run in one unit of work.
 * @throws NotFound for an unknown environment or member; Conflict when it would leave the
 *   environment without an owner.
 */
export async function setMemberRole(
  ctx: Context,
  actor: Actor,
  slug: string,
  accountId: string,
  role: MemberRole,
): Promise<MemberView> {
  const env = await requireEnvironment(ctx, slug);
  await unitOfWork(ctx.store, async (uow) => {
    // The environment's row is locked (PostgreSQL) so two demotions at once can't both count two owners.
    await uow.credentials.lockEnvironment(env.id);
    const current = await uow.memberships.role(accountId, env.id);
    if (!current) throw new NotFound('member');
    if (current === 'owner' && role !== 'owner' && (await uow.memberships.countOwners(env.id)) <= 1)
      throw new Conflict('an environment keeps at least one owner');
    await uow.memberships.updateRole(accountId, env.id, role);
    await uow.audit(
      actor,
      { environmentId: env.id, action: 'member.set_role', target: `${accountId}:${role}` },
      ctx.clock.now(),
    );
  });
  const member = (await listEnvironmentMembers(ctx, slug)).find((m) => m.account_id === accountId);
  if (!member) throw new NotFound('member');
  return member;
}

/**
 * Removes a member from an environment (the account stays); never the last owner. The member's
 * pending invitations into the environment are revoked in the same unit of work, so a link sent
 * before the removal can't bring it back (docs/security.md K-99).
 * @throws NotFound for an unknown environment or member; Conflict for the last owner.
 */
export async function removeMember(ctx: Context, actor: Actor, slug: string, accountId: string): Promise<void> {
  const env = await requireEnvironment(ctx, slug);
  await unitOfWork(ctx.store, async (uow) => {
    // The environment's row is locked (PostgreSQL) so two demotions at once can't both count two owners.
    await uow.credentials.lockEnvironment(env.id);
    const current = await uow.memberships.role(accountId, env.id);
    if (!current) throw new NotFound('member');
    if (current === 'owner' && (await uow.memberships.countOwners(env.id)) <= 1)
      throw new Conflict('an environment keeps at least one owner');
    await uow.memberships.delete(accountId, env.id);
    await uow.audit(actor, { environmentId: env.id, action: 'member.remove', target: accountId }, ctx.clock.now());
    const account = await uow.accounts.byId(accountId);
    if (account) await revokePendingOf(ctx, uow, actor, env.id, account.email, 'invitation.revoke');
  });
}

/** Finds a member of `slug` by email (for the CLI, which names members by email). @throws NotFound. */
export async function memberByEmail(ctx: Context, slug: string, email: string): Promise<MemberView> {
  const wanted = normalizeEmail(email);
  const member = (await listEnvironmentMembers(ctx, slug)).find((m) => m.email === wanted);
  if (!member) throw new NotFound('member');
  return member;
}
