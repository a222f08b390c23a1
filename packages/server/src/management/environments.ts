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
import { withExample } from '../openapi/example.js';

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
        description: 'The environments the caller may see, by slug.',
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
        description:
          'Creates an environment (slug, name, token lifetime) with its built-in Environment API and first signing key. Operators only.',
        body: withExample(EnvironmentCreate, { slug: 'staging', name: 'Staging' }),
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
        description: "The environment's name, slug and token settings (lifetimes in seconds).",
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
        description:
          'Renames the environment or changes its token settings: lifetimes in seconds, applied to tokens issued from then on.',
        params: EnvParams,
        body: withExample(EnvironmentUpdate, { name: 'Staging', token_lifetime: 900 }),
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
        summary: 'Delete an environment and everything in it',
        description:
          "Deletes the environment, its integrations, APIs, members and audit, and revokes its tokens. The query must confirm it with `confirm=<slug>`; the last environment can't be deleted (409).",
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
