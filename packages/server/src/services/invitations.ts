/**
 * Invitations to an environment (docs/product.md "Delegated administration"): a single-use link with an
 * expiry, shown once to who invited (only the token's SHA-256 is stored). Accepting creates the
 * account (password checked like an administrator's) or adds the membership to the existing
 * account of that email, whose password must then be given. Of concurrent accepts exactly one
 * succeeds: the invitation is claimed by one conditional update inside the transaction that adds
 * the membership (docs/security.md J-92).
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, Forbidden, InvalidInput, Unauthenticated } from '../errors/domain-errors.js';
import type { MemberRole } from '../auth/principal.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';
import { newPasswordHash, normalizeEmail, verifyAdminPassword } from './admins.js';
import { isUniqueViolation, requireEnvironment } from './environments.js';
import { generateId } from './secrets.js';
import { replacePendingOf } from './pending-invitations.js';

export { listInvitations, revokeInvitation, type PendingInvitation } from './pending-invitations.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
/** Longest token accepted before any lookup (ours are 43 characters). */
export const MAX_INVITATION_TOKEN_LENGTH = 200;

/** A new invitation, as shown once. */
export interface InvitationCreated {
  /** `inv_…`: what listing shows and revoking names. */
  id: string;
  /** The link to open: `<issuer>/console/invitations/<token>`; not shown again. */
  link: string;
  environment: string;
  email: string;
  role: MemberRole;
  /** ISO 8601. */
  expires_at: string;
}

function digest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** The SHA-256 (base64url) an invitation token is stored and throttled by. */
export const invitationTokenDigest = digest;

/**
 * Invites `email` into the environment `slug` with `role`; the link works once, for
 * `config.invitationTtl` seconds. A pending invitation of that email in the environment is
 * revoked (audited `invitation.replace`): the newest invitation is the one that counts.
 * @param publicUrl the server's public URL the link starts with (default the issuer).
 * @throws NotFound for an unknown environment; InvalidInput `invalid_request` for a malformed email.
 */
export async function createInvitation(
  ctx: Context,
  actor: Actor,
  slug: string,
  email: string,
  role: MemberRole,
  publicUrl = ctx.config.issuer,
): Promise<InvitationCreated> {
  const env = await requireEnvironment(ctx, slug);
  const normalized = normalizeEmail(email);
  if (!EMAIL.test(normalized)) throw new InvalidInput('email must look like name@example.com');
  const token = generateId(32);
  const id = `inv_${generateId(12)}`;
  const now = nowSeconds(ctx.clock);
  const expiresAt = now + ctx.config.invitationTtl;
  await unitOfWork(ctx.store, async (uow) => {
    await uow.invitations.deleteSpent(now);
    // A new invitation of the same email replaces a pending one (its link stops working).
    await replacePendingOf(ctx, uow, actor, env.id, normalized);
    await uow.invitations.insert({
      id,
      tokenHash: digest(token),
      environmentId: env.id,
      email: normalized,
      role,
      invitedBy: actor.actor,
      createdAt: now,
      expiresAt,
    });
    await uow.audit(
      actor,
      { environmentId: env.id, action: 'member.invite', target: `${normalized}:${role}` },
      ctx.clock.now(),
    );
  });
  return {
    id,
    link: `${publicUrl.replace(/\/+$/, '')}/console/invitations/${token}`,
    environment: env.slug,
    email: normalized,
    role,
    expires_at: new Date(expiresAt * 1000).toISOString(),
  };
}

const REFUSED = 'this invitation is unknown, used, expired or revoked';

/**
 * Accepts an invitation.
 * @param signedIn the account of the request's console session, if any: it must be the invited email.
 * @returns the account to sign in (new, or the existing one of that email).
 * @throws InvalidInput `invalid_invitation` for an unknown, used, expired or revoked token (also the
 *   loser of concurrent accepts, or of an accept racing a revoke); Forbidden when signed in as another email; Unauthenticated
 *   `invalid_credentials` for a wrong password of an existing account; InvalidInput
 *   `invalid_request` for a weak password of a new account; Conflict when two accepts of one new
 *   email raced.
 */
export async function acceptInvitation(
  ctx: Context,
  token: string,
  password: string,
  signedIn?: { email: string },
): Promise<{ id: string; email: string }> {
  if (!token || token.length > MAX_INVITATION_TOKEN_LENGTH) throw new InvalidInput(REFUSED, 'invalid_invitation');
  const invitation = await repositories(ctx.store).invitations.byTokenHash(digest(token));
  const now = nowSeconds(ctx.clock);
  if (!invitation || invitation.usedAt !== null || invitation.expiresAt <= now)
    throw new InvalidInput(REFUSED, 'invalid_invitation');
  if (signedIn && normalizeEmail(signedIn.email) !== invitation.email)
    throw new Forbidden('this invitation is for another email: sign out first');
  const existing = await repositories(ctx.store).accounts.byEmail(invitation.email);
  let account: { id: string; email: string };
  let passwordHash: string | undefined;
  if (existing) {
    const verified = await verifyAdminPassword(ctx, invitation.email, password);
    if (!verified)
      throw new Unauthenticated(`an account ${invitation.email} exists: give its password`, 'invalid_credentials');
    account = verified;
  } else {
    passwordHash = await newPasswordHash(invitation.email, password);
    account = { id: `adm_${generateId(12)}`, email: invitation.email };
  }
  const actor: Actor = { actor: `member:${invitation.email}` };
  try {
    await unitOfWork(ctx.store, async (uow) => {
      // The first accept claims it; any other (concurrent or later) finds it used and rolls back.
      if (!(await uow.invitations.claim(invitation.id, nowSeconds(ctx.clock))))
        throw new InvalidInput(REFUSED, 'invalid_invitation');
      if (passwordHash)
        await uow.accounts.insertMember({ id: account.id, email: account.email, passwordHash, createdAt: now });
      await uow.memberships.upsert({
        accountId: account.id,
        environmentId: invitation.environmentId,
        role: invitation.role,
        createdAt: now,
      });
      await uow.audit(
        actor,
        {
          environmentId: invitation.environmentId,
          action: 'member.accept',
          target: `${account.email}:${invitation.role}`,
        },
        ctx.clock.now(),
      );
    });
  } catch (err) {
    // Two invitations of one new email accepted at once: the second account insert collides.
    if (isUniqueViolation(err)) throw new Conflict('the account was just created: accept again with its password');
    throw err;
  }
  return account;
}
