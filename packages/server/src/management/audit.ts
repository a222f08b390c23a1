/**
 * `GET /api/v1/environments/{env}/audit?limit=&cursor=`: who changed what, when, newest first
 * (`audit:read`); `GET /api/v1/audit?limit=&cursor=`: the server-wide events (signing keys, console
 * administrators and sign-ins, throttled IPs), for console administrators only.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AuditEvent, Page } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { auditPage } from '../services/audit.js';
import { requireEnvironment } from '../services/environments.js';
import { COMMON, EnvParams, ERRORS } from './schemas.js';

const AuditQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 80, description: 'next_cursor of the previous page' })) },
  { additionalProperties: false },
);

/** Registers the audit route. */
export function auditRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  app.get<{ Params: Static<typeof EnvParams>; Querystring: Static<typeof AuditQuery> }>(
    '/environments/:env/audit',
    { config: { scope: 'audit:read' }, schema: { ...COMMON, summary: 'The newest audit events of the environment (audit:read)', params: EnvParams, querystring: AuditQuery, response: { 200: Page(AuditEvent), ...ERRORS } } },
    async (request) => {
      const env = await requireEnvironment(ctx, request.params.env);
      return auditPage(ctx, env.id, request.query.limit ?? 50, request.query.cursor);
    },
  );
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/audit',
    { config: { consoleOnly: true }, schema: { ...COMMON, summary: 'The newest server-wide audit events (keys, administrators, throttled IPs)', querystring: AuditQuery, response: { 200: Page(AuditEvent), ...ERRORS } } },
    async (request) => auditPage(ctx, null, request.query.limit ?? 50, request.query.cursor),
  );
}
