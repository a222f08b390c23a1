/** `/api/v1/environments/{env}/customers`: admin tokens, integrations with `customers:*`, console admins. */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody, Customer, EnvParams, ListQuery, Page } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { deleteCustomer, getCustomer, listCustomers, updateCustomer } from '../services/customers.js';
import { requestEnvironmentId } from './request-principal.js';
import { actorOf } from '../auth/principal.js';
import { withExample } from '../openapi/example.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody };
const common = { tags: ['customers'] };
const CustomerParams = Type.Object({
  env: EnvParams.properties.env,
  id: Type.String({ minLength: 1, maxLength: 255 }),
});
const CustomerUpdate = Type.Object(
  {
    name: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    fields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

/** Registers the customer routes. */
export function customerRoutes(app: FastifyInstance, rt: Runtime): void {
  const base = '/environments/:env/customers';
  app.get<{ Params: Static<typeof EnvParams>; Querystring: Static<typeof ListQuery> }>(
    base,
    {
      config: { action: 'customer.list' },
      schema: {
        ...common,
        summary: 'List customers',
        description: 'The customers of the environment, a page at a time.',
        params: EnvParams,
        querystring: ListQuery,
        response: { 200: Page(Customer), ...errors },
      },
    },
    async (request) => listCustomers(rt.ctx, await requestEnvironmentId(rt, request), request.query),
  );
  app.get<{ Params: Static<typeof CustomerParams> }>(
    `${base}/:id`,
    {
      config: { action: 'customer.read' },
      schema: {
        ...common,
        summary: 'Read a customer',
        description: 'One customer by id, with its fields.',
        params: CustomerParams,
        response: { 200: Customer, ...errors },
      },
    },
    async (request) => getCustomer(rt.ctx, await requestEnvironmentId(rt, request), request.params.id),
  );
  app.patch<{ Params: Static<typeof CustomerParams>; Body: Static<typeof CustomerUpdate> }>(
    `${base}/:id`,
    {
      config: { action: 'customer.update' },
      schema: {
        ...common,
        summary: 'Change a customer',
        description: "Changes a customer's fields.",
        params: CustomerParams,
        body: withExample(CustomerUpdate, { name: 'Ada Lovelace', fields: { plan: 'pro' } }),
        response: { 200: Customer, ...errors },
      },
    },
    async (request) =>
      updateCustomer(
        rt.ctx,
        { actor: actorOf(request.principal!), ip: request.ip },
        await requestEnvironmentId(rt, request),
        request.params.id,
        request.body,
      ),
  );
  app.delete<{ Params: Static<typeof CustomerParams> }>(
    `${base}/:id`,
    {
      config: { action: 'customer.delete' },
      schema: {
        ...common,
        summary: 'Delete a customer and its projects',
        description: 'Deletes a customer and every project it owns.',
        params: CustomerParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await deleteCustomer(
        rt.ctx,
        { actor: actorOf(request.principal!), ip: request.ip },
        await requestEnvironmentId(rt, request),
        request.params.id,
      );
      return reply.code(204).send();
    },
  );
}
