/**
 * Invitations to an environment (docs/product.md "Delegated administration"): a single-use link with an
 * expiry, shown once to who invited (only the token's SHA-256 is stored). Accepting creates the
 * account (password checked like an administrator's) or adds the membership to the existing
 * account of that email, which must be signed in: its live session, or its full sign-in through
 * the pipeline (services/sign-in.ts: throttle, second factor, method allowed). Of concurrent accepts exactly one
 * succeeds: the invitation is claimed by one conditional update inside the transaction that adds
 * the membership (docs/security.md J-92).
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, Forbidden, InvalidInput } from '../errors/domain-errors.js';
import { isMemberRole } from '../auth/policy.js';
import type { MemberRole } from '../auth/principal.js';
import { repositories, unitOfWork, type UnitOfWork } from '../store/unit-of-work.js';
import { newPasswordHash, normalizeEmail } from './admins.js';
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

/** A pending invitation, as acceptance sees it. */
export interface InvitationToAccept {
  id: string;
  environmentId: string;
  /** Normalized. */
  email: string;
  role: MemberRole;
  /** Unix seconds. */
  expiresAt: number;
}

/**
 * The pending invitation of a token, and whether an account of its email exists.
 * @throws InvalidInput `invalid_invitation` for an unknown, used, expired or revoked token.
 */
export async function invitationOf(
  ctx: Context,
  token: string,
): Promise<{ invitation: InvitationToAccept; existing: { id: string; email: string } | undefined }> {
  if (!token || token.length > MAX_INVITATION_TOKEN_LENGTH) throw new InvalidInput(REFUSED, 'invalid_invitation');
  const found = await repositories(ctx.store).invitations.byTokenHash(digest(token));
  if (!found || found.usedAt !== null || found.expiresAt <= nowSeconds(ctx.clock) || !isMemberRole(found.role))
    throw new InvalidInput(REFUSED, 'invalid_invitation');
  const invitation = {
    id: found.id,
    environmentId: found.environmentId,
    email: found.email,
    role: found.role,
    expiresAt: found.expiresAt,
  };
  const existing = await repositories(ctx.store).accounts.byEmail(found.email);
  return { invitation, existing: existing && { id: existing.id, email: existing.email } };
}

/** What the invitation page shows before accepting: who is invited, where, as what, until when. */
export interface InvitationPreview {
  email: string;
  role: MemberRole;
  environment: { slug: string; name: string };
  /** ISO 8601. */
  expires_at: string;
  /** An account of the email exists: accepting asks for its password (or its session). */
  account_exists: boolean;
}

/**
 * The pending invitation of `token` as its page shows it. Reads only: nothing changes.
 * @throws InvalidInput `invalid_invitation` for an unknown, used, expired or revoked token (or its
 *   environment deleted meanwhile).
 */
export async function previewInvitation(ctx: Context, token: string): Promise<InvitationPreview> {
  const { invitation, existing } = await invitationOf(ctx, token);
  const env = await repositories(ctx.store).environments.load('id', invitation.environmentId, ctx.config.audience);
  if (!env) throw new InvalidInput(REFUSED, 'invalid_invitation');
  return {
    email: invitation.email,
    role: invitation.role,
    environment: { slug: env.slug, name: env.name },
    expires_at: new Date(invitation.expiresAt * 1000).toISOString(),
    account_exists: existing !== undefined,
  };
}

/**
 * Accepts an invitation as the EXISTING account of its email, signed in (a live session passing
 * the second-factor hook, or a sign-in completed by the pipeline: services/sign-in.ts). Membership
 * rules, decided inside the unit of work on the locked environment (docs/security.md K-99):
 * - not a member yet: the membership is added with the invited role;
 * - a member with the invited role already: the invitation is used up, nothing else changes;
 * - a member with another role: refused (409), nothing changes. An invitation never changes the
 *   role of the accepter's own membership (no self-demotion, so the last owner stays); an owner
 *   changes roles on the members tab (audited `member.set_role`).
 * Audited `member.accept`.
 * @throws InvalidInput `invalid_invitation` when it was used, revoked or expired meanwhile;
 *   Forbidden when `account` is not of the invited email; Conflict (409) for a role change.
 */
export async function acceptInvitationAs(
  ctx: Context,
  invitationId: string,
  account: { id: string; email: string },
): Promise<void> {
  const now = nowSeconds(ctx.clock);
  await unitOfWork(ctx.store, async (uow) => {
    const invitation = await uow.invitations.byId(invitationId);
    if (!invitation || invitation.usedAt !== null || invitation.expiresAt <= now || !isMemberRole(invitation.role))
      throw new InvalidInput(REFUSED, 'invalid_invitation');
    if (normalizeEmail(account.email) !== invitation.email)
      throw new Forbidden('this invitation is for another email: sign out first');
    await uow.credentials.lockEnvironment(invitation.environmentId);
    const current = await uow.memberships.role(account.id, invitation.environmentId);
    if (current !== undefined && current !== invitation.role)
      throw new Conflict(
        `you are a member of this environment as ${current} already: an invitation doesn't change your role; ask an owner to revoke it`,
      );
    // The first accept claims it; any other (concurrent or later) finds it used and rolls back.
    if (!(await uow.invitations.claim(invitation.id, now))) throw new InvalidInput(REFUSED, 'invalid_invitation');
    await joinAsInvited(ctx, uow, account, invitation, now, { addMembership: current === undefined });
  });
}

/**
 * Writes an accepted invitation in `uow`: the membership with the invited role (unless the account
 * holds that role already) and the `member.accept` audit entry. `now` is in seconds.
 */
async function joinAsInvited(
  ctx: Context,
  uow: UnitOfWork,
  account: { id: string; email: string },
  invitation: { email: string; environmentId: string; role: string },
  now: number,
  { addMembership }: { addMembership: boolean },
): Promise<void> {
  if (addMembership)
    await uow.memberships.upsert({
      accountId: account.id,
      environmentId: invitation.environmentId,
      role: invitation.role,
      createdAt: now,
    });
  await uow.audit(
    { actor: `member:${invitation.email}` },
    { environmentId: invitation.environmentId, action: 'member.accept', target: `${account.email}:${invitation.role}` },
    ctx.clock.now(),
  );
}

/**
 * Accepts an invitation by creating the account of its email with `password` (checked like an
 * administrator's) and the invited membership, in one unit of work.
 * @returns the new account (the sign-in pipeline opens its session).
 * @throws InvalidInput `invalid_invitation` (used, revoked, expired meanwhile) or `invalid_request`
 *   (weak password); Conflict when the account was created meanwhile (accept again with its password).
 */
export async function acceptInvitationAsNewAccount(
  ctx: Context,
  invitation: InvitationToAccept,
  password: string,
): Promise<{ id: string; email: string }> {
  const passwordHash = await newPasswordHash(invitation.email, password);
  const account = { id: `adm_${generateId(12)}`, email: invitation.email };
  const now = nowSeconds(ctx.clock);
  try {
    await unitOfWork(ctx.store, async (uow) => {
      if (!(await uow.invitations.claim(invitation.id, now))) throw new InvalidInput(REFUSED, 'invalid_invitation');
      await uow.accounts.insertMember({ id: account.id, email: account.email, passwordHash, createdAt: now });
      await joinAsInvited(ctx, uow, account, invitation, now, { addMembership: true });
    });
  } catch (err) {
    // Two invitations of one new email accepted at once: the second account insert collides.
    if (isUniqueViolation(err)) throw new Conflict('the account was just created: accept again with its password');
    throw err;
  }
  return account;
}
