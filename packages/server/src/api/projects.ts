/** `/api/v1/environments/{env}/projects`: owner-only CRUD (another owner's project is 404). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  ApiError as ApiErrorBody,
  EnvIdParams,
  EnvParams,
  ListQuery,
  Page,
  Project,
  ProjectCreate,
  ProjectUpdate,
} from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { Forbidden } from '../errors/domain-errors.js';
import {
  createProject,
  deleteProject,
  getProject,
  listProjects,
  updateProject,
  type Owner,
} from '../services/projects.js';
import { bearerPrincipal } from './request-principal.js';
import { ownerOf } from '../auth/principal.js';
import { withExample } from '../openapi/example.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody };
const common = { tags: ['environment-api'] };

/** The owner the request acts as. @throws Forbidden (403) for admin tokens, which own no projects. */
export function requestOwner(request: FastifyRequest): { environmentId: string; owner: Owner } {
  const p = bearerPrincipal(request);
  const owner = ownerOf(p);
  if (!owner) throw new Forbidden('admin tokens act for the environment and own no projects');
  return { environmentId: p.environmentId, owner };
}

/** Registers the project routes. */
export function projectRoutes(app: FastifyInstance, rt: Runtime): void {
  const ctx = rt.ctx;
  const base = '/environments/:env/projects';
  app.get<{ Params: Static<typeof EnvParams>; Querystring: Static<typeof ListQuery> }>(
    base,
    {
      config: { action: 'project.list' },
      schema: {
        ...common,
        summary: 'List your projects',
        description: "The caller's own projects (an integration's or a customer's), a page at a time.",
        params: EnvParams,
        querystring: ListQuery,
        response: { 200: Page(Project), ...errors },
      },
    },
    async (request) => {
      const { environmentId, owner } = requestOwner(request);
      return listProjects(ctx, environmentId, owner, request.query);
    },
  );
  app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof ProjectCreate> }>(
    base,
    {
      config: { action: 'project.create' },
      schema: {
        ...common,
        summary: 'Create a project you own',
        description: 'Creates a project owned by the caller.',
        params: EnvParams,
        body: withExample(ProjectCreate, {
          name: 'Spring campaign',
          description: 'Posters for the spring launch',
          data: { pages: 2 },
        }),
        response: { 201: Project, ...errors },
      },
    },
    async (request, reply) => {
      const { environmentId, owner } = requestOwner(request);
      return reply.code(201).send(await createProject(ctx, environmentId, owner, request.body));
    },
  );
  app.get<{ Params: Static<typeof EnvIdParams> }>(
    `${base}/:id`,
    {
      config: { action: 'project.read' },
      schema: {
        ...common,
        summary: 'Read one of your projects',
        description: 'One project the caller may read, by id.',
        params: EnvIdParams,
        response: { 200: Project, ...errors },
      },
    },
    async (request) => {
      const { environmentId, owner } = requestOwner(request);
      return getProject(ctx, environmentId, owner, request.params.id);
    },
  );
  app.patch<{ Params: Static<typeof EnvIdParams>; Body: Static<typeof ProjectUpdate> }>(
    `${base}/:id`,
    {
      config: { action: 'project.update' },
      schema: {
        ...common,
        summary: 'Change one of your projects',
        description: "Changes the name, description or data of one of the caller's projects.",
        params: EnvIdParams,
        body: withExample(ProjectUpdate, { name: 'Spring campaign (final)' }),
        response: { 200: Project, ...errors },
      },
    },
    async (request) => {
      const { environmentId, owner } = requestOwner(request);
      return updateProject(ctx, environmentId, owner, request.params.id, request.body);
    },
  );
  app.delete<{ Params: Static<typeof EnvIdParams> }>(
    `${base}/:id`,
    {
      config: { action: 'project.delete' },
      schema: {
        ...common,
        summary: 'Delete one of your projects',
        description: "Deletes one of the caller's projects.",
        params: EnvIdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { environmentId, owner } = requestOwner(request);
      await deleteProject(ctx, environmentId, owner, request.params.id);
      return reply.code(204).send();
    },
  );
}
