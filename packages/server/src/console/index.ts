/**
 * The console: session sign-in routes and the built single-page app under `/console`. Registering
 * this context also lets the management API and the Environment API accept the session cookie
 * (through `Runtime.authenticateSession`).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { fastifyCookie } from '@fastify/cookie';
import type { Runtime } from '../runtime.js';
import { authenticateSession } from './session-cookie.js';
import { sessionRoutes } from './session-routes.js';
import { staticRoutes } from './static.js';
import { secondFactorRoutes } from './second-factor-routes.js';
import { profileRoutes } from './profile-routes.js';
import { ssoRoutes } from './sso-routes.js';

/** Registers the console routes in their own encapsulated context. */
export async function consoleRoutes(app: FastifyInstance, rt: Runtime): Promise<void> {
  // Also loads the cookie codec that other contexts use to read the session cookie.
  await app.register(fastifyCookie);
  rt.authenticateSession = (request) => authenticateSession(rt.ctx, request);
  await sessionRoutes(app, rt);
  await secondFactorRoutes(app, rt);
  await profileRoutes(app, rt);
  await ssoRoutes(app, rt);
  await staticRoutes(app);
}
