/**
 * `/api/v1/environments` and `/api/v1/environments/{env}`: list, create, read, change settings and
 * delete (`?confirm=<slug>`, never the last); who may is the decision of each route's action.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  Environment,
  EnvironmentCreate,
  EnvironmentDeleteQuery,
  EnvironmentUpdate,
  ListQuery,
  Page,
} from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import {
  countIntegrations,
  createEnvironment,
  environmentDto,
  listEnvironments,
  requireEnvironment,
  updateEnvironment,
} from '../services/environments.js';
import { deleteEnvironment } from '../services/environment-removal.js';
import { visibleEnvironments } from '../services/members.js';
import { actorFor, principalOf } from './authenticate.js';
import { COMMON, EnvParams, ERRORS, ERRORS_WITH_CONFLICT } from './schemas.js';

/** Registers the environment routes. */
export function environmentRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/environments',
    {
      config: { action: 'environment.list' },
      schema: {
        ...COMMON,
        summary: 'List environments (by slug)',
        querystring: ListQuery,
        response: { 200: Page(Environment), ...ERRORS },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const cursor = request.query.cursor;
      const visible = await visibleEnvironments(ctx, principalOf(request), await listEnvironments(ctx));
      const all = visible.filter((e) => cursor === undefined || e.slug > cursor);
      const items = all.slice(0, limit);
      return { items, next_cursor: all.length > limit ? items[items.length - 1]!.slug : null };
    },
  );
  app.post<{ Body: Static<typeof EnvironmentCreate> }>(
    '/environments',
    {
      config: { action: 'environment.create' },
      schema: {
        ...COMMON,
        summary: 'Create an environment with its Environment API',
        body: EnvironmentCreate,
        response: { 201: Environment, ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) => {
      const env = await createEnvironment(ctx, actorFor(request), request.body.slug, request.body.name);
      return reply.code(201).send(environmentDto(env, 0));
    },
  );
  app.get<{ Params: Static<typeof EnvParams> }>(
    '/environments/:env',
    {
      config: { action: 'environment.read' },
      schema: {
        ...COMMON,
        summary: 'Read an environment',
        params: EnvParams,
        response: { 200: Environment, ...ERRORS },
      },
    },
    async (request) => {
      const env = await requireEnvironment(ctx, request.params.env);
      return environmentDto(env, await countIntegrations(ctx, env.id));
    },
  );
  app.patch<{ Params: Static<typeof EnvParams>; Body: Static<typeof EnvironmentUpdate> }>(
    '/environments/:env',
    {
      config: { action: 'environment.update' },
      schema: {
        ...COMMON,
        summary: "Change an environment's name and token settings (seconds)",
        params: EnvParams,
        body: EnvironmentUpdate,
        response: { 200: Environment, ...ERRORS },
      },
    },
    async (request) => {
      const env = await updateEnvironment(ctx, actorFor(request), request.params.env, request.body);
      return environmentDto(env, await countIntegrations(ctx, env.id));
    },
  );
  app.delete<{ Params: Static<typeof EnvParams>; Querystring: Static<typeof EnvironmentDeleteQuery> }>(
    '/environments/:env',
    {
      config: { action: 'environment.delete' },
      schema: {
        ...COMMON,
        summary:
          'Delete an environment and everything in it (confirm=<slug>); its tokens are revoked; refused (409) for the last one',
        params: EnvParams,
        querystring: EnvironmentDeleteQuery,
        response: {
          200: Type.Object({ slug: Type.String(), integrations: Type.Integer(), revoked_tokens: Type.Integer() }),
          ...ERRORS_WITH_CONFLICT,
        },
      },
    },
    async (request) => deleteEnvironment(ctx, actorFor(request), request.params.env, request.query.confirm),
  );
}
