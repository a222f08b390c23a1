/**
 * `POST /api/v1/session/totp`: the second step of a sign-in (password, single sign-on, or an
 * invitation accepted with an existing account's password) for an account with TOTP. The
 * challenge from the first step and a code (a TOTP code never accepted before, or an unused
 * recovery code) open the session through the sign-in pipeline (services/sign-in.ts). Code
 * attempts are throttled per account and address (the account's code windows, shared with every
 * other code check), so the 10⁶ codes can't be walked.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { MAX_CODE_LENGTH } from '../services/totp.js';
import type { SignInPipeline } from '../services/sign-in.js';
import { answerSignIn, SessionView } from './session-routes.js';
import { withExample } from '../openapi/example.js';

export { TOTP_THROTTLE } from '../services/sign-in.js';

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

/** Registers the TOTP sign-in step. */
export async function secondFactorRoutes(app: FastifyInstance, rt: Runtime, signIn: SignInPipeline): Promise<void> {
  app.post<{ Body: Static<typeof Body> }>(
    '/api/v1/session/totp',
    {
      schema: {
        tags: ['console'],
        summary: 'Second sign-in step: TOTP or recovery code',
        description:
          'Completes a sign-in that needs the second factor: the challenge of the first step with a TOTP code or a recovery code. Failed attempts are throttled.',
        body: withExample(Body, { challenge: 'eyJ…(from the sign-in answer)', code: '123456' }),
        response: {
          200: SessionView,
          400: ApiErrorBody,
          401: ApiErrorBody,
          403: ApiErrorBody,
          409: ApiErrorBody,
          429: ApiErrorBody,
        },
      },
    },
    async (request, reply) =>
      answerSignIn(
        reply,
        rt.ctx.config,
        await signIn.secondStep(request.body.challenge, request.body.code, request.ip),
      ),
  );
}
