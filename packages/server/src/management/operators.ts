/**
 * `/api/v1/operators`: list and delete operator accounts (console sessions only). An operator
 * can't delete itself here, and the last one is never deleted (services/operators.ts).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ApiError as ApiErrorBody } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { Forbidden } from '../errors/domain-errors.js';
import { listOperatorViews, removeOperator } from '../services/operators.js';
import { actorFor, principalOf } from './authenticate.js';

const Operator = Type.Object({
  id: Type.String(),
  email: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  totp: Type.Boolean(),
});
const errors = { 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody };
const common = { tags: ['operators'] };

/** Registers the operator routes. */
export function operatorRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  app.get(
    '/operators',
    {
      config: { action: 'operator.list' },
      schema: {
        ...common,
        summary: 'List operators',
        description: "The server's operators: console accounts that manage every environment.",
        response: { 200: Type.Object({ items: Type.Array(Operator) }), ...errors },
      },
    },
    async () => {
      return { items: await listOperatorViews(ctx) };
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/operators/:id',
    {
      config: { action: 'operator.remove' },
      schema: {
        ...common,
        summary: 'Delete an operator (never yourself or the last one)',
        description: "Deletes an operator account. You can't delete yourself or the last operator (409).",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 320 }) }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const me = principalOf(request);
      // Only operators get here (operator.remove); an operator can't delete itself (the service).
      if (me.type !== 'console') throw new Forbidden('this operation is for operators');
      await removeOperator(ctx, actorFor(request), request.params.id, me.adminId);
      return reply.code(204).send();
    },
  );
}
