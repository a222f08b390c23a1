/**
 * Pending invitations of an environment (docs/product.md "Delegated administration"): listed for
 * whoever may read the members, revoked by whoever may change them. A revoked invitation is
 * deleted, so its link is refused like a used or expired one. Inviting an email that already has
 * a pending invitation in the environment replaces it: the old link stops working at once.
 * Revocation and acceptance are each one conditional statement on the invitation's row, so of the
 * two racing exactly one wins (docs/security.md J-92).
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import type { PendingInvitation } from '@gatehouse/contracts';
import { nowSeconds } from '../clock.js';
import { NotFound } from '../errors/domain-errors.js';
import { isMemberRole } from '../auth/policy.js';
import { repositories, unitOfWork, type UnitOfWork } from '../store/unit-of-work.js';
import type { InvitationRecord } from '../store/repositories/invitations.js';
import { requireEnvironment } from './environments.js';

/** Most pending invitations listed for one environment. */
export const MAX_INVITATIONS_LISTED = 1000;

export type { PendingInvitation };

function view(r: InvitationRecord): PendingInvitation {
  return {
    id: r.id,
    email: r.email,
    role: isMemberRole(r.role) ? r.role : 'viewer',
    invited_by: r.invitedBy,
    created_at: new Date(r.createdAt * 1000).toISOString(),
    expires_at: new Date(r.expiresAt * 1000).toISOString(),
  };
}

/**
 * The invitations of the environment `slug` that can still be accepted (not used, not expired,
 * not revoked), oldest first, at most {@link MAX_INVITATIONS_LISTED}.
 * @throws NotFound for an unknown environment.
 */
export async function listInvitations(ctx: Context, slug: string): Promise<PendingInvitation[]> {
  const env = await requireEnvironment(ctx, slug);
  const rows = await repositories(ctx.store).invitations.pendingIn(env.id, nowSeconds(ctx.clock), {
    limit: MAX_INVITATIONS_LISTED,
  });
  return rows.map(view);
}

/**
 * Revokes the pending invitation `id` of the environment `slug`, audited `invitation.revoke` in
 * the same unit of work; its link is refused from then on.
 * @returns the invitation as it was.
 * @throws NotFound for an unknown environment, or an id that is unknown, of another environment,
 *   already used, expired or revoked (one answer for all: other environments are never revealed).
 */
export async function revokeInvitation(
  ctx: Context,
  actor: Actor,
  slug: string,
  id: string,
): Promise<PendingInvitation> {
  const env = await requireEnvironment(ctx, slug);
  const now = nowSeconds(ctx.clock);
  const [found] = await repositories(ctx.store).invitations.pendingIn(env.id, now, { limit: 1, id });
  return unitOfWork(ctx.store, async (uow) => {
    // Accepted (or revoked) since it was read: the conditional delete finds nothing.
    if (!found || !(await revokeOne(ctx, uow, actor, env.id, view(found), 'invitation.revoke')))
      throw new NotFound('invitation');
    return view(found);
  });
}

/**
 * Revokes, in `uow`, the pending invitations of `email` (normalized) in the environment
 * `environmentId`, each audited `invitation.replace`: a new invitation of that email replaces them.
 */
export async function replacePendingOf(
  ctx: Context,
  uow: UnitOfWork,
  actor: Actor,
  environmentId: string,
  email: string,
): Promise<void> {
  await revokePendingOf(ctx, uow, actor, environmentId, email, 'invitation.replace');
}

/**
 * Revokes, in `uow`, every pending invitation of `email` (normalized) in the environment
 * `environmentId`, each audited `action`: `invitation.replace` (a new invitation replaces them) or
 * `invitation.revoke` (the member was removed: an older link must not bring it back, K-99).
 */
export async function revokePendingOf(
  ctx: Context,
  uow: UnitOfWork,
  actor: Actor,
  environmentId: string,
  email: string,
  action: 'invitation.revoke' | 'invitation.replace',
): Promise<void> {
  const pending = await uow.invitations.pendingIn(environmentId, nowSeconds(ctx.clock), { limit: 50, email });
  for (const old of pending) await revokeOne(ctx, uow, actor, environmentId, view(old), action);
}

async function revokeOne(
  ctx: Context,
  uow: UnitOfWork,
  actor: Actor,
  environmentId: string,
  invitation: PendingInvitation,
  action: 'invitation.revoke' | 'invitation.replace',
): Promise<boolean> {
  if (!(await uow.invitations.revoke(invitation.id, environmentId, nowSeconds(ctx.clock)))) return false;
  await uow.audit(
    actor,
    {
      environmentId,
      action,
      target: `${invitation.email}:${invitation.role}`,
      details: { invitation: invitation.id },
    },
    ctx.clock.now(),
  );
  return true;
}
