/**
 * `POST /api/v1/invitations/accept` with `{token, password?}`: joins the invited environment.
 * Throttled per token digest and address before any lookup or hashing. Three cases:
 * - the request carries the invited account's live session (CSRF-checked, second factor as every
 *   session route): accepted as that account, no password asked, the session stays;
 * - the invited email has an account: the password is a sign-in of that account through the
 *   pipeline (services/sign-in.ts: password sign-in allowed, the email's windows reserved before
 *   Argon2, the second factor — `{second_factor, challenge}`, then `POST /api/v1/session/totp`
 *   accepts and signs in); the invitation is accepted only when the sign-in completes;
 * - no account: one is created with the password (refused while password sign-in is off: accept
 *   by single sign-on), joined and signed in.
 * A request signed in as another email is refused (docs/security.md J-92, K-95, K-99).
 *
 * `POST /api/v1/invitations/preview` with `{token}` (anonymous: the token is its credential, in a
 * body so it stays out of access logs) answers what the page shows before accepting — the email,
 * the environment, the role, the expiry — and changes nothing. It is throttled in the same windows
 * as acceptance: an unknown token counts as a failed attempt, a pending one is refunded.
 * The route is in the console's authenticating context with `config.sessionOptional`
 * (console/authenticate.ts): a live session is authenticated there, by the one session hook (CSRF,
 * second factor) and `invitation.accept` decided, before the body is read; without one the route
 * runs anonymously (the token and a password are its credentials).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { Forbidden, InvalidInput, Unauthenticated } from '../errors/domain-errors.js';
import type { ThrottlePolicy } from '../throttle/throttle.js';
import {
  acceptInvitationAs,
  acceptInvitationAsNewAccount,
  invitationOf,
  invitationTokenDigest,
  MAX_INVITATION_TOKEN_LENGTH,
  previewInvitation,
} from '../services/invitations.js';
import { MAX_PASSWORD_LENGTH, normalizeEmail } from '../services/admins.js';
import type { SignInPipeline } from '../services/sign-in.js';
import { optionalSignedIn } from './authenticate.js';
import { answerSignIn, SecondFactorNeeded, SessionView, sessionView } from './session-routes.js';
import { withExample } from '../openapi/example.js';

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
    password: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_PASSWORD_LENGTH,
        description: "A new account's password, or the existing account's (not needed when signed in as it)",
      }),
    ),
  },
  { additionalProperties: false },
);
const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 409: ApiErrorBody, 429: ApiErrorBody };

/** Registers the invitation acceptance route in the console's authenticating context (a session optional). */
export async function invitationRoutes(app: FastifyInstance, rt: Runtime, signIn: SignInPipeline): Promise<void> {
  const { ctx, throttle } = rt;
  app.post<{ Body: Static<typeof Accept> }>(
    '/api/v1/invitations/accept',
    {
      config: { action: 'invitation.accept', sessionOptional: true },
      schema: {
        tags: ['console'],
        summary: 'Accept an invitation',
        description:
          "Joins the environment of an invitation link: signed in as the invited account, or with the invited account's password (a sign-in), or by setting the password of a new account.",
        body: withExample(Accept, { token: 'inv_3q2mX8…', password: 'a long passphrase of your own' }),
        response: { 200: Type.Union([SessionView, SecondFactorNeeded]), ...errors },
      },
    },
    async (request, reply) => {
      const { token, password } = request.body;
      const windows = throttle.windows(INVITATION_THROTTLE, invitationTokenDigest(token), request.ip);
      await throttle.reserve(windows);
      // A session was authenticated by the context's hook, like on every session route (CSRF, second factor: K-94).
      const signedIn = optionalSignedIn(request);
      const { invitation, existing } = await invitationOf(ctx, token);
      if (signedIn) {
        if (normalizeEmail(signedIn.email) !== invitation.email)
          throw new Forbidden('this invitation is for another email: sign out first');
        await acceptInvitationAs(ctx, invitation.id, { id: signedIn.accountId, email: signedIn.email });
        await throttle.refund(windows);
        reply.header('cache-control', 'no-store');
        return sessionView(signedIn.session);
      }
      if (password === undefined)
        throw existing
          ? new Unauthenticated(`an account ${invitation.email} exists: sign in or give its password`)
          : new InvalidInput('choose a password for your new account');
      if (existing) {
        // A sign-in of that account like any other; accepted only once it completes.
        const outcome = await signIn.password(invitation.email, password, request.ip, { invitationId: invitation.id });
        await throttle.refund(windows);
        return answerSignIn(reply, ctx.config, outcome);
      }
      if (!ctx.config.passwordSignIn)
        throw new Forbidden(
          'password sign-in is off: accept by signing in with single sign-on',
          'password_sign_in_disabled',
        );
      const account = await acceptInvitationAsNewAccount(ctx, invitation, password);
      await throttle.refund(windows);
      return answerSignIn(reply, ctx.config, await signIn.open(account, ['pwd'], request.ip));
    },
  );
}

const Preview = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: MAX_INVITATION_TOKEN_LENGTH }) },
  { additionalProperties: false },
);
const PreviewView = Type.Object({
  email: Type.String(),
  role: Type.String({ description: 'The role the invitation gives: owner, admin, developer or viewer' }),
  environment: Type.Object({ slug: Type.String(), name: Type.String() }),
  expires_at: Type.String({ description: 'ISO 8601' }),
  account_exists: Type.Boolean({ description: 'Accepting asks for the existing account password (or its session)' }),
});

/**
 * Registers `POST /api/v1/invitations/preview` in the console's anonymous context (like signing
 * in: the token is the credential).
 */
export async function invitationPreviewRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const { ctx, throttle } = rt;
  app.post<{ Body: Static<typeof Preview> }>(
    '/api/v1/invitations/preview',
    {
      schema: {
        tags: ['console'],
        summary: 'What an invitation is for, before accepting it',
        description:
          'Answers the email, environment, role and expiry of the invitation whose link token is in the body, without a session (the token is the credential). Throttled in the same windows as accepting: a failed preview counts as an attempt.',
        body: withExample(Preview, { token: 'inv_3q2mX8…' }),
        response: { 200: PreviewView, 400: ApiErrorBody, 429: ApiErrorBody },
      },
    },
    async (request, reply) => {
      const { token } = request.body;
      const windows = throttle.windows(INVITATION_THROTTLE, invitationTokenDigest(token), request.ip);
      await throttle.reserve(windows);
      const preview = await previewInvitation(ctx, token);
      await throttle.refund(windows);
      reply.header('cache-control', 'no-store');
      return preview;
    },
  );
}
