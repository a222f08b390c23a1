/**
 * `/api/v1/session`: console sign-in (`POST`), the current session (`GET`) and sign-out (`DELETE`).
 * Failed sign-ins are throttled per email and per IP before any password is hashed (SECURITY.md
 * F-60); a wrong password and an unknown email answer alike (401 `invalid_credentials`).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { ApiError } from '../errors/api-error.js';
import { registerAuthThrottle, type ThrottleLimits } from '../oauth/throttle.js';
import { WindowStore } from '../oauth/throttle-store.js';
import { normalizeEmail, verifyAdminPassword } from '../services/admins.js';
import { audit } from '../services/audit.js';
import { createSession, deleteSession } from '../services/sessions.js';
import { authenticateSession, clearSessionCookie, requestSession, sessionCookie, setSessionCookie } from './session-cookie.js';

/** Failed sign-ins allowed per email and per IP in a 15-minute window. */
export const SIGN_IN_THROTTLE: ThrottleLimits = { perClient: 5, perIp: 30, windowMs: 15 * 60_000 };

const SignIn = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
const SessionView = Type.Object({ email: Type.String(), csrf_token: Type.String({ description: 'Send it in x-csrf-token on POST, PATCH and DELETE' }) });
const common = { tags: ['console'] };
const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody };

/** Registers the session routes (and @fastify/rate-limit in `app`, for the sign-in windows of this node). */
export async function sessionRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  const { ctx } = rt;
  const throttle = await registerAuthThrottle(app, { store: new WindowStore(ctx.clock) }, SIGN_IN_THROTTLE);

  app.post<{ Body: Static<typeof SignIn> }>(
    '/api/v1/session',
    { schema: { ...common, summary: 'Sign in to the console', body: SignIn, response: { 200: SessionView, 429: ApiErrorBody, ...errors } } },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email);
      await throttle.check(request, email);
      const admin = await verifyAdminPassword(ctx, email, request.body.password);
      if (!admin) {
        await throttle.fail(request, email);
        await audit(ctx.db, { actor: `admin:${email.slice(0, 320)}`, ip: request.ip }, { environmentId: null, action: 'admin.sign_in', result: 'failure' }, ctx.clock.now());
        throw new ApiError(401, 'invalid_credentials', 'wrong email or password');
      }
      const { value, session } = await createSession(ctx, admin);
      await audit(ctx.db, { actor: `admin:${admin.email}`, ip: request.ip }, { environmentId: null, action: 'admin.sign_in' }, ctx.clock.now());
      setSessionCookie(reply, ctx.config, value);
      reply.header('cache-control', 'no-store');
      return { email: session.email, csrf_token: session.csrfToken };
    },
  );

  app.get('/api/v1/session', { schema: { ...common, summary: 'The signed-in administrator', response: { 200: SessionView, ...errors } } }, async (request, reply) => {
    const session = await requestSession(ctx, request);
    if (!session) throw new ApiError(401, 'unauthorized', 'not signed in');
    reply.header('cache-control', 'no-store');
    return { email: session.email, csrf_token: session.csrfToken };
  });

  app.delete('/api/v1/session', { schema: { ...common, summary: 'Sign out', response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    const principal = await authenticateSession(ctx, request);
    const value = sessionCookie(request);
    if (principal && value) {
      await deleteSession(ctx, value);
      await audit(ctx.db, { actor: `admin:${principal.email}`, ip: request.ip }, { environmentId: null, action: 'admin.sign_out' }, ctx.clock.now());
    }
    clearSessionCookie(reply, ctx.config);
    return reply.code(204).send();
  });
}
