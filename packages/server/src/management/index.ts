/**
 * Management API under `/api/v1` (environments, integrations, APIs, credentials, customers, audit).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';

/** Registers the management routes in their own encapsulated context. */
export async function managementRoutes(_app: FastifyInstance, _rt: Runtime): Promise<void> {}
