/** `/api/v1/environments/{env}/media` and `/fonts`: environment-wide; read needs `:read`, create `:write`. */
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import {
  ApiError as ApiErrorBody,
  Asset,
  AssetCreate,
  EnvIdParams,
  EnvParams,
  ListQuery,
  Page,
} from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { createAsset, getAsset, listAssets, type AssetKind } from '../services/assets.js';
import { requestEnvironmentId } from './request-principal.js';
import { actorOf } from '../auth/principal.js';
import { withExample } from '../openapi/example.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody };

/** Registers the media and font routes. */
export function assetRoutes(app: FastifyInstance, rt: Runtime): void {
  for (const kind of ['media', 'fonts'] as AssetKind[]) {
    const common = { tags: ['environment-api'] };
    const base = `/environments/:env/${kind}`;
    app.get<{ Params: Static<typeof EnvParams>; Querystring: Static<typeof ListQuery> }>(
      base,
      {
        config: { action: `${kind}.list` },
        schema: {
          ...common,
          summary: `List ${kind}`,
          description: `The ${kind} of the environment, a page at a time.`,
          params: EnvParams,
          querystring: ListQuery,
          response: { 200: Page(Asset), ...errors },
        },
      },
      async (request) => listAssets(rt.ctx, await requestEnvironmentId(rt, request), kind, request.query),
    );
    app.get<{ Params: Static<typeof EnvIdParams> }>(
      `${base}/:id`,
      {
        config: { action: `${kind}.read` },
        schema: {
          ...common,
          summary: `Read one of ${kind}`,
          description: `One of the ${kind} of the environment, by id, with its checksum.`,
          params: EnvIdParams,
          response: { 200: Asset, ...errors },
        },
      },
      async (request) => getAsset(rt.ctx, await requestEnvironmentId(rt, request), kind, request.params.id),
    );
    app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof AssetCreate> }>(
      base,
      {
        config: { action: `${kind}.create` },
        schema: {
          ...common,
          summary: `Add to ${kind}`,
          description: `Adds a file to the ${kind} of the environment: its name, content type, size and SHA-256 checksum.`,
          params: EnvParams,
          body: withExample(AssetCreate, {
            name: 'logo.png',
            content_type: 'image/png',
            size: 48213,
            checksum: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          }),
          response: { 201: Asset, ...errors },
        },
      },
      async (request, reply) => {
        return reply
          .code(201)
          .send(
            await createAsset(
              rt.ctx,
              await requestEnvironmentId(rt, request),
              kind,
              request.body,
              actorOf(request.principal!),
            ),
          );
      },
    );
  }
}
