/**
 * `/api/v1/environments/{env}/integrations[/{client_id}]`: list (`integrations:read`, search with
 * `q`), create, read, change and delete (`integrations:write`). Creation answers the secret once;
 * reads never carry a secret or a hash (docs/security.md F-62). Unknown body fields are refused (E-55).
 * A bearer caller grants only within its effective scopes and changes or deletes only integrations
 * whose grants it holds itself (auth/policy.ts, G-68, G-69).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  Integration,
  IntegrationCreate,
  IntegrationCreated,
  IntegrationUpdate,
  ListQuery,
  Page,
} from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { authorize } from '../auth/decide.js';
import {
  createIntegration,
  deleteIntegration,
  integrationDto,
  listIntegrations,
  requireIntegration,
  updateIntegration,
  usageOfOne,
} from '../services/integrations.js';
import { actorFor, principalOf } from './authenticate.js';
import { COMMON, EnvParams, ERRORS, IntegrationParams } from './schemas.js';
import { withExample } from '../openapi/example.js';

const IntegrationQuery = Type.Object(
  {
    ...ListQuery.properties,
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name, or an exact client_id' })),
  },
  { additionalProperties: false },
);

/** Registers the integration routes. */
export function integrationRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  const base = '/environments/:env/integrations';
  app.get<{ Params: Static<typeof EnvParams>; Querystring: Static<typeof IntegrationQuery> }>(
    base,
    {
      config: { action: 'integration.list' },
      schema: {
        ...COMMON,
        summary: 'List integrations, oldest first',
        description:
          'The integrations of the environment, oldest first, a page at a time, with their grants and state (never a secret).',
        params: EnvParams,
        querystring: IntegrationQuery,
        response: { 200: Page(Integration), ...ERRORS },
      },
    },
    async (request) =>
      listIntegrations(ctx, request.params.env, {
        limit: request.query.limit,
        cursor: request.query.cursor,
        q: request.query.q?.trim() || undefined,
        by: principalOf(request),
      }),
  );
  app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof IntegrationCreate> }>(
    base,
    {
      config: { action: 'integration.create' },
      schema: {
        ...COMMON,
        summary: 'Create an integration',
        description:
          'Creates an integration with either explicit `scopes` or a `preset`, and its client id. Unless it is key-only, the client secret is in this answer only: store it now.',
        params: EnvParams,
        body: withExample(IntegrationCreate, {
          name: 'Billing sync',
          description: 'Nightly invoice export',
          preset: 'read-only',
        }),
        response: { 201: IntegrationCreated, ...ERRORS },
      },
    },
    async (request, reply) => {
      const created = await createIntegration(
        ctx,
        actorFor(request),
        request.params.env,
        request.body,
        principalOf(request),
      );
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );
  app.get<{ Params: Static<typeof IntegrationParams> }>(
    `${base}/:client_id`,
    {
      config: { action: 'integration.read' },
      schema: {
        ...COMMON,
        summary: 'Read an integration (never its secret)',
        description: "An integration's name, grants, state, quota and authentication methods; never its secret.",
        params: IntegrationParams,
        response: { 200: Integration, ...ERRORS },
      },
    },
    async (request) => {
      const { env, client } = await requireIntegration(ctx, request.params.client_id, request.params.env);
      return integrationDto(env, client, await usageOfOne(ctx, client), principalOf(request));
    },
  );
  app.patch<{ Params: Static<typeof IntegrationParams>; Body: Static<typeof IntegrationUpdate> }>(
    `${base}/:client_id`,
    {
      config: { action: 'integration.update' },
      schema: {
        ...COMMON,
        summary: 'Change an integration',
        description:
          'Changes name, description, state, grants or quota. A change of grants or state ends token reuse, and disabling it makes its tokens inactive.',
        params: IntegrationParams,
        body: withExample(IntegrationUpdate, { enabled: false }),
        response: { 200: Integration, ...ERRORS },
      },
    },
    async (request) => {
      // Pointing it at other keys hands over its credentials: decided like adding a key (G-70).
      if (request.body.jwks_uri !== undefined)
        authorize(principalOf(request), 'integration.manage_keys', request.params);
      return updateIntegration(
        ctx,
        actorFor(request),
        request.params.client_id,
        request.body,
        request.params.env,
        principalOf(request),
      );
    },
  );
  app.delete<{ Params: Static<typeof IntegrationParams> }>(
    `${base}/:client_id`,
    {
      config: { action: 'integration.delete' },
      schema: {
        ...COMMON,
        summary: 'Delete an integration and revoke its tokens',
        description: 'Deletes the integration: its client id stops authenticating and its tokens are revoked.',
        params: IntegrationParams,
        response: { 204: Type.Null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await deleteIntegration(
        ctx,
        actorFor(request),
        request.params.client_id,
        request.params.env,
        principalOf(request),
      );
      return reply.code(204).send();
    },
  );
}
