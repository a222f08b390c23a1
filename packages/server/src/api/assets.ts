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

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody };

/** Registers the media and font routes. */
export function assetRoutes(app: FastifyInstance, rt: Runtime): void {
  for (const kind of ['media', 'fonts'] as AssetKind[]) {
    const common = { tags: ['environment-api'], security: [{ bearer: [] }] };
    const base = `/environments/:env/${kind}`;
    app.get<{ Params: Static<typeof EnvParams>; Querystring: Static<typeof ListQuery> }>(
      base,
      {
        config: { action: `${kind}.list` },
        schema: {
          ...common,
          summary: `List ${kind}`,
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
        schema: { ...common, summary: `Read one of ${kind}`, params: EnvIdParams, response: { 200: Asset, ...errors } },
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
          params: EnvParams,
          body: AssetCreate,
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
