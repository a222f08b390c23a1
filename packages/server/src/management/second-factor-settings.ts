/**
 * `PUT /api/v1/environments/:env/require-totp`: whether members must have TOTP to act in an
 * environment (operators only; console sessions). The decision itself is `requireSecondFactor`
 * in auth/second-factor.ts, applied to every session by auth/session.ts.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { Forbidden } from '../errors/domain-errors.js';
import { setRequireTotp } from '../services/second-factor-requirement.js';
import { actorFor, principalOf } from './authenticate.js';

const Body = Type.Object({ required: Type.Boolean() }, { additionalProperties: false });

/** Registers the route. */
export function secondFactorSettingRoutes(app: FastifyInstance, rt: Runtime): void {
  app.put<{ Params: { env: string }; Body: Static<typeof Body> }>(
    '/environments/:env/require-totp',
    {
      config: { consoleOnly: true },
      schema: {
        tags: ['environments'],
        summary: 'Require TOTP of everyone acting in the environment with a password session',
        params: Type.Object({ env: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Body,
        response: { 200: Body, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody },
      },
    },
    async (request) => {
      // Operators, and the environment's owners (checked against ROUTE_CAPABILITIES by auth/membership.ts).
      const principal = principalOf(request);
      if (principal.type !== 'console' && principal.type !== 'member')
        throw new Forbidden('this operation is for operators and owners');
      await setRequireTotp(rt.ctx, actorFor(request), request.params.env, request.body.required);
      return { required: request.body.required };
    },
  );
}
