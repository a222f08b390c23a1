/**
 * `/api/v1/environments/{env}/apis`: the environment's APIs (resource servers) with their scopes;
 * listing and reading need `integrations:read`; registering, changing and deleting one are for
 * operators and admins (auth/decide.ts). `{api}` is an API's id or its URL-encoded audience.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { Api, ApiCreate, ApiDeleteQuery, ApiParams, ApiUpdate, Page } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { createApi, deleteApi, getApi, listApis, updateApi } from '../services/apis.js';
import { actorFor } from './authenticate.js';
import { COMMON, EnvParams, ERRORS, ERRORS_WITH_CONFLICT } from './schemas.js';
import { withExample } from '../openapi/example.js';

/** Registers the API routes. */
export function apiRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  app.get<{ Params: Static<typeof EnvParams> }>(
    '/environments/:env/apis',
    {
      config: { action: 'api.list' },
      schema: {
        ...COMMON,
        summary: 'List APIs, the Environment API first',
        description:
          'The APIs registered in the environment (audience and scopes), the built-in Environment API first.',
        params: EnvParams,
        response: { 200: Page(Api), ...ERRORS },
      },
    },
    async (request) => ({ items: await listApis(ctx, request.params.env), next_cursor: null }),
  );
  app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof ApiCreate> }>(
    '/environments/:env/apis',
    {
      config: { action: 'api.create' },
      schema: {
        ...COMMON,
        summary: 'Register an API (audience and scopes)',
        description:
          'Registers an API that your own services protect: its audience (the `aud` of its tokens) and the scopes integrations may be granted on it.',
        params: EnvParams,
        body: withExample(ApiCreate, {
          name: 'Billing API',
          audience: 'https://billing.example.com',
          scopes: [{ value: 'invoices:read', description: 'Read invoices' }],
        }),
        response: { 201: Api, ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createApi(ctx, actorFor(request), request.params.env, request.body)),
  );
  app.get<{ Params: Static<typeof ApiParams> }>(
    '/environments/:env/apis/:api',
    {
      config: { action: 'api.read' },
      schema: {
        ...COMMON,
        summary: 'Read an API by id or audience',
        description: 'An API with its audience and scopes, found by its id or its audience.',
        params: ApiParams,
        response: { 200: Api, ...ERRORS },
      },
    },
    async (request) => getApi(ctx, request.params.env, request.params.api),
  );
  app.patch<{ Params: Static<typeof ApiParams>; Body: Static<typeof ApiUpdate> }>(
    '/environments/:env/apis/:api',
    {
      config: { action: 'api.update' },
      schema: {
        ...COMMON,
        summary: 'Rename an API or replace its scopes',
        description:
          'Renames the API or replaces its scopes. A removed scope leaves every grant, and the tokens of its holders for this API are revoked unless `keep_tokens` is set.',
        params: ApiParams,
        body: withExample(ApiUpdate, {
          scopes: [{ value: 'invoices:read' }, { value: 'invoices:write' }],
          keep_tokens: false,
        }),
        response: { 200: Api, ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request) => updateApi(ctx, actorFor(request), request.params.env, request.params.api, request.body),
  );
  app.delete<{ Params: Static<typeof ApiParams>; Querystring: Static<typeof ApiDeleteQuery> }>(
    '/environments/:env/apis/:api',
    {
      config: { action: 'api.delete' },
      schema: {
        ...COMMON,
        summary: 'Delete an API',
        description:
          'Deletes the API. While integrations hold grants on it, it is refused (409) unless `force=true`, which removes those grants and revokes their tokens for it.',
        params: ApiParams,
        querystring: ApiDeleteQuery,
        response: { 204: Type.Null(), ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) => {
      await deleteApi(ctx, actorFor(request), request.params.env, request.params.api, { force: request.query.force });
      return reply.code(204).send();
    },
  );
}
