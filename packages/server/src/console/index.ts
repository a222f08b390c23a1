/**
 * The console: session sign-in routes and the built single-page app under `/console`. (The
 * management API and the Environment API accept the session cookie too: auth/caller.ts.)
 * Routes that sign a session in (password, the TOTP step, single sign-on) and an invitation's
 * preview (its token is the credential) are anonymous by nature
 * and stay in this context; every route acting as a signed-in account (the current session,
 * sign-out, the profile, invitation acceptance with a session) is in one child context that
 * authenticates (console/authenticate.ts; docs/security.md K-103).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { fastifyCookie } from '@fastify/cookie';
import type { Runtime } from '../runtime.js';
import { sessionRoutes, signedInSessionRoutes } from './session-routes.js';
import { requireConsoleSession } from './authenticate.js';
import { invitationPreviewRoutes, invitationRoutes } from './invitation-routes.js';
import { staticRoutes } from './static.js';
import { secondFactorRoutes } from './second-factor-routes.js';
import { profileRoutes } from './profile-routes.js';
import { ssoRoutes } from './sso-routes.js';
import { SignInPipeline } from '../services/sign-in.js';

/** Registers the console routes in their own encapsulated context. */
export async function consoleRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  await app.register(fastifyCookie);
  // Every way of signing in goes through this one pipeline (services/sign-in.ts).
  const signIn = new SignInPipeline(rt);
  await sessionRoutes(app, rt, signIn);
  await secondFactorRoutes(app, rt, signIn);
  await invitationPreviewRoutes(app, rt);
  await app.register(async (signedIn) => {
    requireConsoleSession(signedIn, rt);
    await signedInSessionRoutes(signedIn, rt);
    await profileRoutes(signedIn, rt, signIn);
    await invitationRoutes(signedIn, rt, signIn);
  });
  await ssoRoutes(app, rt, signIn);
  await staticRoutes(app);
}
