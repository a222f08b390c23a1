/** `/api/v1/environments/{env}/outputs`: render requests of your own projects (`outputs:create`). */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import {
  ApiError as ApiErrorBody,
  EnvIdParams,
  EnvParams,
  ListQuery,
  Output,
  OutputCreate,
  Page,
} from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { createOutput, getOutput, listOutputs } from '../services/outputs.js';
import { bearerPrincipal } from './request-principal.js';
import { actorOf } from '../auth/principal.js';
import { requestOwner } from './projects.js';
import { withExample } from '../openapi/example.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody };
const common = { tags: ['environment-api'] };

/** Registers the output routes. */
export function outputRoutes(app: FastifyInstance, rt: Runtime): void {
  const base = '/environments/:env/outputs';
  app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof OutputCreate> }>(
    base,
    {
      config: { action: 'output.create' },
      schema: {
        ...common,
        summary: 'Request a render of your project',
        description: 'Requests a render of one of your projects: answers the output, which completes later.',
        params: EnvParams,
        body: withExample(OutputCreate, { project_id: 'prj_01J9ZQ4K7X', format: 'pdf' }),
        response: { 201: Output, ...errors },
      },
    },
    async (request, reply) => {
      const { environmentId, owner } = requestOwner(request);
      const output = await createOutput(rt.ctx, environmentId, owner, request.body, {
        actor: actorOf(bearerPrincipal(request)),
        ip: request.ip,
      });
      return reply.code(201).send(output);
    },
  );
  app.get<{ Params: Static<typeof EnvParams>; Querystring: Static<typeof ListQuery> }>(
    base,
    {
      config: { action: 'output.list' },
      schema: {
        ...common,
        summary: 'List your outputs',
        description: "The caller's outputs (renders), a page at a time.",
        params: EnvParams,
        querystring: ListQuery,
        response: { 200: Page(Output), ...errors },
      },
    },
    async (request) => {
      const { environmentId, owner } = requestOwner(request);
      return listOutputs(rt.ctx, environmentId, owner, request.query);
    },
  );
  app.get<{ Params: Static<typeof EnvIdParams> }>(
    `${base}/:id`,
    {
      config: { action: 'output.read' },
      schema: {
        ...common,
        summary: 'Read one of your outputs',
        description: "One of the caller's outputs by id, with its state.",
        params: EnvIdParams,
        response: { 200: Output, ...errors },
      },
    },
    async (request) => {
      const { environmentId, owner } = requestOwner(request);
      return getOutput(rt.ctx, environmentId, owner, request.params.id);
    },
  );
}
