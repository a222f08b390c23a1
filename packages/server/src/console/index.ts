/**
 * The console: session sign-in routes and the built single-page app under `/console`. (The
 * management API and the Environment API accept the session cookie too: auth/caller.ts.)
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { fastifyCookie } from '@fastify/cookie';
import type { Runtime } from '../runtime.js';
import { sessionRoutes } from './session-routes.js';
import { invitationRoutes } from './invitation-routes.js';
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
  await profileRoutes(app, rt, signIn);
  await ssoRoutes(app, rt, signIn);
  await invitationRoutes(app, rt, signIn);
  await staticRoutes(app);
}
