/**
 * `GET /api/v1/environments/{env}/audit?limit=&cursor=&action=&actor=&target=&since=&until=`: who
 * changed what, when, newest first, filtered (`audit:read`); updates carry before/after `changes`.
 * `GET /api/v1/audit` (same parameters): the server-wide events (signing keys, console
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
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 80, description: 'next_cursor of the previous page' })),
    action: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'An exact action (`integration.update`) or a family (`integration.*`)',
      }),
    ),
    actor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 320,
        description: 'An exact actor: `cli`, `admin:<email>`, `integration:<client_id>`, `customer:<id>`',
      }),
    ),
    target: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 320,
        description: 'An exact target: a client_id, an environment slug, an audience…',
      }),
    ),
    since: Type.Optional(
      Type.String({ minLength: 10, maxLength: 40, description: 'ISO 8601 date or date-time: events at or after it' }),
    ),
    until: Type.Optional(
      Type.String({ minLength: 10, maxLength: 40, description: 'ISO 8601 date or date-time: events before it' }),
    ),
  },
  { additionalProperties: false },
);

/** The filter part of an audit query. */
const filterOf = (q: Static<typeof AuditQuery>) => ({
  action: q.action,
  actor: q.actor,
  target: q.target,
  since: q.since,
  until: q.until,
});

/** Registers the audit route. */
export function auditRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  app.get<{ Params: Static<typeof EnvParams>; Querystring: Static<typeof AuditQuery> }>(
    '/environments/:env/audit',
    {
      config: { action: 'audit.read' },
      schema: {
        ...COMMON,
        summary: 'Audit events of an environment',
        description:
          'The newest audit events of the environment, newest first, filtered by action, actor, target and time; needs audit:read.',
        params: EnvParams,
        querystring: AuditQuery,
        response: { 200: Page(AuditEvent), ...ERRORS },
      },
    },
    async (request) => {
      const env = await requireEnvironment(ctx, request.params.env);
      return auditPage(ctx, env.id, request.query.limit ?? 50, request.query.cursor, filterOf(request.query));
    },
  );
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/audit',
    {
      config: { action: 'audit.read_server' },
      schema: {
        ...COMMON,
        summary: 'Server-wide audit events',
        description:
          'The newest audit events that belong to no environment: signing keys, administrators, throttled addresses. Operators only.',
        querystring: AuditQuery,
        response: { 200: Page(AuditEvent), ...ERRORS },
      },
    },
    async (request) => auditPage(ctx, null, request.query.limit ?? 50, request.query.cursor, filterOf(request.query)),
  );
}
