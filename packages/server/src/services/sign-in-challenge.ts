/**
 * The proof, between the password step and the TOTP step of a sign-in, that the password was
 * right: the account id and an expiry sealed with the master key (AES-256-GCM), handed to the
 * client and sent back with the code. It opens no session by itself.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';

/** How long the second step may wait for the code, seconds (5 min). */
export const CHALLENGE_LIFETIME = 300;
const AAD = 'sign-in-challenge';

/** A sealed challenge for `accountId`, valid {@link CHALLENGE_LIFETIME} seconds. */
export function issueChallenge(ctx: Context, accountId: string): string {
  return ctx.sealer.seal(JSON.stringify({ a: accountId, e: nowSeconds(ctx.clock) + CHALLENGE_LIFETIME }), AAD);
}

/** The account id of an unexpired, untampered challenge, or undefined. */
export function openChallenge(ctx: Context, challenge: string): string | undefined {
  if (challenge.length > 1024) return undefined;
  try {
    const { a, e } = JSON.parse(ctx.sealer.open(challenge, AAD)) as { a?: unknown; e?: unknown };
    return typeof a === 'string' && typeof e === 'number' && e > nowSeconds(ctx.clock) ? a : undefined;
  } catch {
    return undefined;
  }
}
