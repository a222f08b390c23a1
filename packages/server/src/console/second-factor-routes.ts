/**
 * `POST /api/v1/session/totp`: the second step of a password sign-in for an account with TOTP.
 * The challenge from the password step and a code (a TOTP code never accepted before, or an unused
 * recovery code) open the session. Code attempts are throttled per account and address (shared
 * windows, like the password step), so the 10⁶ codes can't be walked.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { NotFound, Unauthenticated } from '../errors/domain-errors.js';
import type { ThrottlePolicy } from '../throttle/throttle.js';
import { recordAudit } from '../services/audit.js';
import { createSession } from '../services/sessions.js';
import { MAX_CODE_LENGTH, verifySecondFactor } from '../services/totp.js';
import { openChallenge } from '../services/sign-in-challenge.js';
import { resolveOperator } from '../services/operators.js';
import { setSessionCookie } from './session-cookie.js';

/** Code attempts: 5 per account and address, 30 per address, 10 per account in 15 minutes. */
export const TOTP_THROTTLE: ThrottlePolicy = {
  name: 'totp',
  perSubjectAddress: 5,
  perAddress: 30,
  perSubject: 10,
  windowMs: 15 * 60_000,
};

const Body = Type.Object(
  {
    challenge: Type.String({ minLength: 1, maxLength: 1024 }),
    code: Type.String({
      minLength: 1,
      maxLength: MAX_CODE_LENGTH,
      description: '6-digit TOTP code or a recovery code',
    }),
  },
  { additionalProperties: false },
);
const SessionView = Type.Object({ email: Type.String(), csrf_token: Type.String(), auth_method: Type.String() });

/** Registers the TOTP sign-in step. */
export async function secondFactorRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const { ctx, throttle } = rt;
  app.post<{ Body: Static<typeof Body> }>(
    '/api/v1/session/totp',
    {
      schema: {
        tags: ['console'],
        summary: 'Second sign-in step: TOTP or recovery code',
        body: Body,
        response: { 200: SessionView, 400: ApiErrorBody, 401: ApiErrorBody, 429: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const accountId = openChallenge(ctx, request.body.challenge);
      if (!accountId) throw new Unauthenticated('the sign-in expired; enter your password again', 'invalid_challenge');
      const windows = throttle.windows(TOTP_THROTTLE, accountId, request.ip);
      await throttle.reserve(windows);
      const account = await resolveOperator(ctx, accountId).catch((err: unknown) => {
        if (err instanceof NotFound) return undefined;
        throw err;
      });
      const accepted = account ? await verifySecondFactor(ctx, accountId, request.body.code) : undefined;
      if (!account || !accepted) {
        rt.audits.push(() =>
          recordAudit(
            ctx,
            { actor: `admin:${account?.email ?? accountId}`, ip: request.ip },
            { environmentId: null, action: 'admin.sign_in_totp', result: 'failure' },
            ctx.clock.now(),
          ),
        );
        throw new Unauthenticated('the code is wrong or was used already', 'invalid_code');
      }
      await throttle.refund(windows);
      const { value, session } = await createSession(ctx, account, 'password+totp');
      await recordAudit(
        ctx,
        { actor: `admin:${account.email}`, ip: request.ip },
        { environmentId: null, action: accepted === 'totp' ? 'admin.sign_in' : 'admin.sign_in_recovery_code' },
        ctx.clock.now(),
      );
      setSessionCookie(reply, ctx.config, value);
      reply.header('cache-control', 'no-store');
      return { email: session.email, csrf_token: session.csrfToken, auth_method: session.authMethod };
    },
  );
}
