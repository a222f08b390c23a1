/**
 * `/api/v1/session`: console sign-in (`POST`), the current session (`GET`) and sign-out (`DELETE`).
 * A sign-in reserves its attempt in the shared windows (email from this address, the address,
 * the email from anywhere) before any password is hashed, and takes it back when the password is
 * right; Argon2 runs at most {@link SIGN_IN_VERIFICATIONS} at once in this process and one at a
 * time per email, the others waiting in a bounded queue (docs/security.md F-60, G-72, G-73). A wrong
 * password and an unknown email answer alike (401 `invalid_credentials`).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { Forbidden, Unauthenticated } from '../errors/domain-errors.js';
import { TooManyRequests } from '../errors/oauth-error.js';
import { SIGN_IN_THROTTLE } from '../throttle/throttle.js';
import { VerificationGate } from '../throttle/verification-gate.js';
import { normalizeEmail, verifyAdminPassword } from '../services/admins.js';
import { recordAudit } from '../services/audit.js';
import { createSession, deleteSession } from '../services/sessions.js';
import { hasTotp } from '../services/totp.js';
import { issueChallenge } from '../services/sign-in-challenge.js';
import {
  authenticateSession,
  clearSessionCookie,
  requestSession,
  sessionCookie,
  setSessionCookie,
} from './session-cookie.js';
import { actorOf } from '../auth/principal.js';

/** Password verifications (Argon2, 19 MiB each) running at once in this process. */
export const SIGN_IN_VERIFICATIONS = 4;
/** Sign-ins waiting for a verification slot (about a second of Argon2 work); beyond it the answer is 429. */
const SIGN_IN_QUEUE = 64;

const SignIn = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
const SessionView = Type.Object({
  email: Type.String(),
  csrf_token: Type.String({ description: 'Send it in x-csrf-token on POST, PATCH and DELETE' }),
  auth_method: Type.Optional(
    Type.Union([Type.Literal('password'), Type.Literal('password+totp'), Type.Literal('sso')]),
  ),
});
const SecondFactorNeeded = Type.Object({
  second_factor: Type.Literal('totp', {
    description: 'Send a TOTP or recovery code with the challenge to POST /api/v1/session/totp',
  }),
  challenge: Type.String({ description: 'Valid 5 minutes' }),
});
const common = { tags: ['console'] };
const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody };

/** Registers the session routes. */
export async function sessionRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const { ctx, throttle } = rt;
  const gate = new VerificationGate(SIGN_IN_VERIFICATIONS, 1, SIGN_IN_QUEUE);

  app.post<{ Body: Static<typeof SignIn> }>(
    '/api/v1/session',
    {
      schema: {
        ...common,
        summary: 'Sign in to the console',
        body: SignIn,
        response: { 200: Type.Union([SessionView, SecondFactorNeeded]), 429: ApiErrorBody, ...errors },
      },
    },
    async (request, reply) => {
      if (!ctx.config.passwordSignIn)
        throw new Forbidden('password sign-in is off; sign in with single sign-on', 'password_sign_in_disabled');
      const email = normalizeEmail(request.body.email);
      const windows = throttle.windows(SIGN_IN_THROTTLE, email, request.ip);
      await throttle.reserve(windows);
      let admin: Awaited<ReturnType<typeof verifyAdminPassword>>;
      try {
        const slot = gate.enter(email);
        if (!slot) throw new TooManyRequests(1, 'too many sign-ins in progress, retry later');
        const release = await slot;
        try {
          admin = await verifyAdminPassword(ctx, email, request.body.password);
        } finally {
          release();
        }
      } catch (err) {
        // Not verified (queue full, store down): the attempt doesn't count.
        await throttle.refund(windows);
        throw err;
      }
      if (!admin) {
        const now = ctx.clock.now();
        rt.audits.push(() =>
          recordAudit(
            ctx,
            { actor: `admin:${email.slice(0, 320)}`, ip: request.ip },
            { environmentId: null, action: 'admin.sign_in', result: 'failure' },
            now,
          ),
        );
        throw new Unauthenticated('wrong email or password', 'invalid_credentials');
      }
      await throttle.refund(windows);
      reply.header('cache-control', 'no-store');
      if (await hasTotp(ctx, admin.id))
        return { second_factor: 'totp' as const, challenge: issueChallenge(ctx, admin.id) };
      const { value, session } = await createSession(ctx, admin);
      await recordAudit(
        ctx,
        { actor: `admin:${admin.email}`, ip: request.ip },
        { environmentId: null, action: 'admin.sign_in' },
        ctx.clock.now(),
      );
      setSessionCookie(reply, ctx.config, value);
      return { email: session.email, csrf_token: session.csrfToken, auth_method: session.authMethod };
    },
  );

  app.get(
    '/api/v1/session',
    { schema: { ...common, summary: 'The signed-in administrator', response: { 200: SessionView, ...errors } } },
    async (request, reply) => {
      const session = await requestSession(ctx, request);
      if (!session) throw new Unauthenticated('not signed in');
      reply.header('cache-control', 'no-store');
      return { email: session.email, csrf_token: session.csrfToken, auth_method: session.authMethod };
    },
  );

  app.delete(
    '/api/v1/session',
    { schema: { ...common, summary: 'Sign out', response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const principal = await authenticateSession(rt.sessions, request);
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
