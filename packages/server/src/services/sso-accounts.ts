/**
 * Which console account an SSO identity signs in (docs/security.md K-98):
 * 1. the allowed domains (`GATEHOUSE_SSO_ALLOWED_DOMAINS`): when set, the asserted email must be
 *    verified and of one of them, at every sign-in;
 * 2. an identity linked before (`iss`, `sub`) signs in its account, whatever email it asserts now:
 *    an email change at the provider doesn't move the account;
 * 3. otherwise a VERIFIED, all-ASCII email matched exactly (ASCII case-insensitively) to an account
 *    that no other identity of this provider is linked to, or to the pending invitations of that
 *    email (services/sso-invitations.ts); the identity is then linked to the account.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import type { SsoConfig } from '../config/config.js';
import { nowSeconds } from '../clock.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';
import { isUniqueViolation } from '../store/repositories/queryable.js';
import { isAsciiEmail, normalizeEmail } from './admins.js';
import { acceptInvitationsBySso } from './sso-invitations.js';
import { SsoRefused, type SsoIdentity } from './sso.js';

/**
 * The account `identity` signs in.
 * @throws SsoRefused `email_unverified`, `domain_not_allowed` or `no_account`.
 */
export async function resolveSsoAccount(
  ctx: Context,
  sso: SsoConfig,
  identity: SsoIdentity,
): Promise<{ id: string; email: string }> {
  const email = identity.email !== undefined && identity.email.length <= 320 ? normalizeEmail(identity.email) : '';
  const verified = email !== '' && identity.emailVerified;
  if (sso.allowedDomains.length) {
    if (!verified) throw new SsoRefused('email_unverified');
    if (!sso.allowedDomains.includes(email.slice(email.lastIndexOf('@') + 1)))
      throw new SsoRefused('domain_not_allowed');
  }
  const identities = repositories(ctx.store).ssoIdentities;
  const linked = await identities.account(identity.issuer, identity.subject);
  if (linked) return linked;
  if (!verified) throw new SsoRefused('email_unverified');
  if (!isAsciiEmail(email)) throw new SsoRefused('no_account');
  const existing = await repositories(ctx.store).accounts.byEmail(email);
  // Another identity of this provider signs this account in: a second one asserting its email doesn't.
  if (existing && (await identities.linkedAt(existing.id, identity.issuer))) throw new SsoRefused('no_account');
  const account = existing ?? (await acceptInvitationsBySso(ctx, email));
  if (!account) throw new SsoRefused('no_account');
  let linkedNow: boolean;
  try {
    linkedNow = await unitOfWork(ctx.store, (uow) =>
      uow.ssoIdentities.link(identity.issuer, identity.subject, account.id, nowSeconds(ctx.clock)),
    );
  } catch (err) {
    // Another identity of this provider linked the account at the same moment.
    if (isUniqueViolation(err)) throw new SsoRefused('no_account');
    throw err;
  }
  if (linkedNow) return { id: account.id, email: account.email };
  // A concurrent first sign-in of this identity linked it first: that link decides.
  const winner = await identities.account(identity.issuer, identity.subject);
  if (!winner) throw new SsoRefused('no_account');
  return winner;
}
