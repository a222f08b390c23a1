/**
 * `POST /api/v1/invitations/accept` with `{token, password}`: joins the invited environment and
 * signs in (the same session cookie and answer as `POST /api/v1/session`). Throttled like sign-in,
 * per token digest and address, before any lookup or hashing; a request signed in as another email
 * is refused (docs/security.md J-92).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import type { ThrottlePolicy } from '../throttle/throttle.js';
import { recordAudit } from '../services/audit.js';
import { acceptInvitation, invitationTokenDigest, MAX_INVITATION_TOKEN_LENGTH } from '../services/invitations.js';
import { createSession } from '../services/sessions.js';
import { requestSession, setSessionCookie } from './session-cookie.js';

/** Accept attempts: 5 per token and address in 15 minutes, 30 per address, 50 per token. */
export const INVITATION_THROTTLE: ThrottlePolicy = {
  name: 'invitation_accept',
  perSubjectAddress: 5,
  perAddress: 30,
  perSubject: 50,
  windowMs: 15 * 60_000,
};

const Accept = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: MAX_INVITATION_TOKEN_LENGTH }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
const SessionView = Type.Object({ email: Type.String(), csrf_token: Type.String() });
const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 409: ApiErrorBody, 429: ApiErrorBody };

/** Registers the invitation acceptance route (console context: no session needed). */
export async function invitationRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const { ctx, throttle } = rt;
  app.post<{ Body: Static<typeof Accept> }>(
    '/api/v1/invitations/accept',
    {
      schema: {
        tags: ['console'],
        summary: "Accept an invitation: set a password (or give your account's), join the environment, sign in",
        body: Accept,
        response: { 200: SessionView, ...errors },
      },
    },
    async (request, reply) => {
      const windows = throttle.windows(INVITATION_THROTTLE, invitationTokenDigest(request.body.token), request.ip);
      await throttle.reserve(windows);
      const signedIn = await requestSession(ctx, request);
      const account = await acceptInvitation(ctx, request.body.token, request.body.password, signedIn);
      await throttle.refund(windows);
      const { value, session } = await createSession(ctx, account);
      await recordAudit(
        ctx,
        { actor: `member:${account.email}`, ip: request.ip },
        { environmentId: null, action: 'admin.sign_in' },
        ctx.clock.now(),
      );
      setSessionCookie(reply, ctx.config, value);
      reply.header('cache-control', 'no-store');
      return { email: session.email, csrf_token: session.csrfToken };
    },
  );
}
