/**
 * `/api/v1/session`: console sign-in (`POST`), the current session (`GET`) and sign-out (`DELETE`).
 * Sign-in is the password pathway of the one sign-in pipeline (services/sign-in.ts): the method
 * allowed, the shared windows (email from this address, the address, the email from anywhere)
 * reserved before any password is hashed and given back when the password is right, Argon2 at most
 * {@link SIGN_IN_VERIFICATIONS} at once in this process and one at a time per email, the second
 * factor when the account has one (docs/security.md F-60, G-72, G-73, K-95). A wrong password and
 * an unknown email answer alike (401 `invalid_credentials`).
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { recordAudit } from '../services/audit.js';
import { deleteSession, type Session } from '../services/sessions.js';
import type { SignInOutcome, SignInPipeline } from '../services/sign-in.js';
import { clearSessionCookie, sessionCookie, setSessionCookie } from './session-cookie.js';
import { optionalSignedIn, signedInAs } from './authenticate.js';
import { actorOf } from '../auth/principal.js';
import type { Config } from '../config/config.js';
import { withExample } from '../openapi/example.js';

export { SIGN_IN_VERIFICATIONS } from '../services/sign-in.js';

const SignIn = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
/** A session as the sign-in routes answer it. */
export const SessionView = Type.Object({
  email: Type.String(),
  csrf_token: Type.String({ description: 'Send it in x-csrf-token on POST, PATCH and DELETE' }),
  auth_method: Type.Optional(
    Type.Union([Type.Literal('password'), Type.Literal('password+totp'), Type.Literal('sso')]),
  ),
  amr: Type.Optional(
    Type.Array(Type.Union([Type.Literal('pwd'), Type.Literal('otp'), Type.Literal('sso')]), {
      description: 'The factors the session was opened with (RFC 8176): pwd, sso, otp (a TOTP code or a recovery code)',
    }),
  ),
});
/** The answer of a first sign-in step when the account has a second factor. */
export const SecondFactorNeeded = Type.Object({
  second_factor: Type.Literal('totp', {
    description: 'Send a TOTP or recovery code with the challenge to POST /api/v1/session/totp',
  }),
  challenge: Type.String({ description: 'Valid 5 minutes' }),
});
const common = { tags: ['console'] };
const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody };

/** The body of a session answer, from a new session or the one a request was authenticated with. */
export function sessionView(session: Pick<Session, 'email' | 'csrfToken' | 'authMethod'> & { amr: readonly string[] }) {
  return { email: session.email, csrf_token: session.csrfToken, auth_method: session.authMethod, amr: session.amr };
}

/** Answers a sign-in step: sets the cookie of a new session, or answers the second step to take. */
export function answerSignIn(reply: FastifyReply, config: Config, outcome: SignInOutcome) {
  reply.header('cache-control', 'no-store');
  if (outcome.kind === 'second_factor') return { second_factor: 'totp' as const, challenge: outcome.challenge };
  setSessionCookie(reply, config, outcome.value);
  return sessionView(outcome.session);
}

/** Registers the sign-in route (anonymous: it opens the session). */
export async function sessionRoutes(app: FastifyInstance, rt: Runtime, signIn: SignInPipeline): Promise<void> {
  const { ctx } = rt;

  app.post<{ Body: Static<typeof SignIn> }>(
    '/api/v1/session',
    {
      schema: {
        ...common,
        summary: 'Sign in to the console',
        description:
          'Signs in with email and password: sets the session cookie and answers its CSRF token, or a challenge for the second step when TOTP is on. Failed attempts are throttled.',
        body: withExample(SignIn, { email: 'admin@example.com', password: 'your password' }),
        response: { 200: Type.Union([SessionView, SecondFactorNeeded]), 429: ApiErrorBody, ...errors },
      },
    },
    async (request, reply) =>
      answerSignIn(reply, ctx.config, await signIn.password(request.body.email, request.body.password, request.ip)),
  );
}

/**
 * Registers the current session (`GET`) and sign-out (`DELETE`) in `app`, the console's
 * authenticating context (console/authenticate.ts): its hook authenticates the session and decides
 * `session.read` / `session.delete`. Both stay open while a required second factor is missing
 * (one may always see who one is and sign out); sign-out without a live session only clears the cookie.
 */
export async function signedInSessionRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const { ctx } = rt;

  app.get(
    '/api/v1/session',
    {
      config: { action: 'session.read', secondFactorPending: true },
      schema: {
        ...common,
        summary: 'The signed-in administrator',
        description: 'The account of the current session and its CSRF token.',
        response: { 200: SessionView, ...errors },
      },
    },
    async (request, reply) => {
      const { session } = signedInAs(request);
      reply.header('cache-control', 'no-store');
      return sessionView(session);
    },
  );

  app.delete(
    '/api/v1/session',
    {
      config: { action: 'session.delete', secondFactorPending: true, sessionOptional: true },
      schema: {
        ...common,
        summary: 'Sign out',
        description: 'Ends the current session and clears its cookie; without a session it only clears the cookie.',
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const principal = optionalSignedIn(request);
      const value = sessionCookie(request);
      if (principal && value) {
        await deleteSession(ctx, value);
        await recordAudit(
          ctx,
          { actor: actorOf(principal), ip: request.ip },
          { environmentId: null, action: 'admin.sign_out' },
          ctx.clock.now(),
        );
      }
      clearSessionCookie(reply, ctx.config);
      return reply.code(204).send();
    },
  );
}
