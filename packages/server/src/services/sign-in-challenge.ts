/**
 * The proof, between the first step of a sign-in (password or single sign-on) and its TOTP step,
 * that the first factor was right: the account id, the factors proved so far, what the sign-in
 * completes (an invitation to accept) and an expiry, sealed with the master key (AES-256-GCM),
 * handed to the client and sent back with the code. It opens no session by itself.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { parseAmr, type AuthFactor } from '../auth/second-factor.js';

/** How long the second step may wait for the code, seconds (5 min). */
export const CHALLENGE_LIFETIME = 300;
const AAD = 'sign-in-challenge';

/** What a challenge carries from the first step to the second. */
export interface ChallengeState {
  accountId: string;
  /** The factors proved by the first step (`pwd` or `sso`). */
  amr: AuthFactor[];
  /** The invitation this sign-in accepts once complete (invitation acceptance by an existing account). */
  invitationId?: string;
}

/** A sealed challenge, valid {@link CHALLENGE_LIFETIME} seconds. */
export function issueChallenge(ctx: Context, state: ChallengeState): string {
  return ctx.sealer.seal(
    JSON.stringify({
      a: state.accountId,
      m: state.amr.join(' '),
      ...(state.invitationId !== undefined && { i: state.invitationId }),
      e: nowSeconds(ctx.clock) + CHALLENGE_LIFETIME,
    }),
    AAD,
  );
}

/** The state of an unexpired, untampered challenge, or undefined. */
export function openChallenge(ctx: Context, challenge: string): ChallengeState | undefined {
  if (challenge.length > 1024) return undefined;
  try {
    const { a, m, i, e } = JSON.parse(ctx.sealer.open(challenge, AAD)) as Record<string, unknown>;
    if (typeof a !== 'string' || typeof m !== 'string' || typeof e !== 'number' || e <= nowSeconds(ctx.clock))
      return undefined;
    return { accountId: a, amr: parseAmr(m), ...(typeof i === 'string' && { invitationId: i }) };
  } catch {
    return undefined;
  }
}
