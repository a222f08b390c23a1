/**
 * Single sign-on of an email that has no account yet but a pending invitation (docs/product.md
 * "Delegated administration"): the provider's VERIFIED email stands in for the invitation link.
 * Every pending invitation of that email is accepted at once: a member account is created with the
 * invited roles and a random password nobody knows (it signs in by SSO). Nobody without an
 * invitation is provisioned.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';
import { isUniqueViolation } from '../store/repositories/queryable.js';
import { newPasswordHash } from './admins.js';
import { generateId } from './secrets.js';

/**
 * Accepts the pending invitations of `email` (normalized, verified by the provider).
 * @returns the new member account, or undefined when there is no pending invitation (or another
 *   request created the account or claimed the invitations first).
 */
export async function acceptInvitationsBySso(
  ctx: Context,
  email: string,
): Promise<{ id: string; email: string } | undefined> {
  const now = nowSeconds(ctx.clock);
  const pending = await repositories(ctx.store).invitations.pendingFor(email, now);
  if (!pending.length) return undefined;
  const account = { id: `adm_${generateId(12)}`, email };
  const passwordHash = await newPasswordHash(email, generateId(32));
  try {
    return await unitOfWork(ctx.store, async (uow) => {
      let claimed = 0;
      for (const invitation of pending) {
        if (!(await uow.invitations.claim(invitation.id, now))) continue;
        if (claimed++ === 0)
          await uow.accounts.insertMember({ id: account.id, email, passwordHash, createdAt: now, passwordSet: false });
        await uow.memberships.upsert({
          accountId: account.id,
          environmentId: invitation.environmentId,
          role: invitation.role,
          createdAt: now,
        });
        await uow.audit(
          { actor: `member:${email}` },
          { environmentId: invitation.environmentId, action: 'member.accept', target: `${email}:${invitation.role}` },
          ctx.clock.now(),
        );
      }
      return claimed ? account : undefined;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return undefined;
    throw err;
  }
}
