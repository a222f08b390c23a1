/**
 * `PUT /api/v1/environments/:env/require-totp`: whether members must have TOTP to act in an
 * environment (operators and the environment's owners; `environment.require_totp`). The decision
 * itself is `requireSecondFactor` in auth/second-factor.ts, applied to every session by auth/session.ts.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { setRequireTotp } from '../services/second-factor-requirement.js';
import { actorFor } from './authenticate.js';
import { withExample } from '../openapi/example.js';

const Body = Type.Object({ required: Type.Boolean() }, { additionalProperties: false });

/** Registers the route. */
export function secondFactorSettingRoutes(app: FastifyInstance, rt: Runtime): void {
  app.put<{ Params: { env: string }; Body: Static<typeof Body> }>(
    '/environments/:env/require-totp',
    {
      config: { action: 'environment.require_totp' },
      schema: {
        tags: ['environments'],
        summary: 'Require TOTP in an environment',
        description:
          'When on, everyone acting in the environment with a password session must have signed in with TOTP; those without it are refused with `totp_required` until they set it up.',
        params: Type.Object({ env: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: withExample(Body, { required: true }),
        response: { 200: Body, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody },
      },
    },
    async (request) => {
      // Operators, and the environment's owners (the decision of environment.require_totp).
      await setRequireTotp(rt.ctx, actorFor(request), request.params.env, request.body.required);
      return { required: request.body.required };
    },
  );
}
