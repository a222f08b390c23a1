/**
 * Issued tokens as the revocation and introspection endpoints need them: their stored state, and
 * revoking one (RFC 7009).
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import type { IssuedTokenState } from '../store/repositories/tokens.js';
import { repositories } from '../store/unit-of-work.js';
import { command } from './command.js';

export type { IssuedTokenState } from '../store/repositories/tokens.js';

/** Whether token `jti` was issued here, to which integration, until when, and whether it was revoked. */
export function issuedTokenState(ctx: Context, jti: string): Promise<IssuedTokenState | undefined> {
  return repositories(ctx.store).tokens.state(jti);
}

/**
 * Revokes token `jti` of the integration `clientId` (of environment `environmentId`) at `now`
 * (seconds), and every token exchanged from it at any depth (RFC 8693; docs/security.md M-118):
 * the rows are marked, the reusable token dropped, the revocation announced on the
 * change feed and audited as `token.revoke`, all in one unit of work.
 */
export async function revokeToken(
  ctx: Context,
  actor: Actor,
  environmentId: string,
  clientId: string,
  jti: string,
  now: number,
): Promise<void> {
  await command(ctx, async (uow) => {
    await uow.tokens.revoke(jti, now);
    await uow.change('revocation', jti, now);
    await uow.audit(
      actor,
      { environmentId, action: 'token.revoke', target: clientId, details: { jti } },
      ctx.clock.now(),
    );
  });
}
