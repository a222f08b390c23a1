/**
 * The console: session sign-in routes and the built single-page app under `/console`.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';

/** Registers the console routes in their own encapsulated context. */
export async function consoleRoutes(_app: FastifyInstance, _rt: Runtime): Promise<void> {}
