/**
 * `/api/v1/environments/{env}/apis`: the environment's APIs (resource servers) with their scopes;
 * listing needs `integrations:read`, registering one is for console administrators.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Api, ApiCreate, Page } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { createApi, listApis } from '../services/apis.js';
import { actorFor } from './authenticate.js';
import { COMMON, EnvParams, ERRORS, ERRORS_WITH_CONFLICT } from './schemas.js';

/** Registers the API routes. */
export function apiRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  app.get<{ Params: Static<typeof EnvParams> }>(
    '/environments/:env/apis',
    { config: { scope: 'integrations:read' }, schema: { ...COMMON, summary: 'List APIs, the Environment API first', params: EnvParams, response: { 200: Page(Api), ...ERRORS } } },
    async (request) => ({ items: await listApis(ctx, request.params.env), next_cursor: null }),
  );
  app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof ApiCreate> }>(
    '/environments/:env/apis',
    { config: { consoleOnly: true }, schema: { ...COMMON, summary: 'Register an API (audience and scopes)', params: EnvParams, body: ApiCreate, response: { 201: Api, ...ERRORS_WITH_CONFLICT } } },
    async (request, reply) => reply.code(201).send(await createApi(ctx, actorFor(request), request.params.env, request.body)),
  );
}
