/** `GET /api/v1/self`: the principal behind the bearer token. */
import type { FastifyInstance } from 'fastify';
import { ApiError as ApiErrorBody, Self } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { bearerPrincipal } from './request-principal.js';

/** Registers `/self`. */
export function selfRoute(app: FastifyInstance, rt: Runtime): void {
  app.get(
    '/self',
    {
      config: { action: 'self.read' },
      schema: {
        summary: 'Who am I',
        description:
          'The principal of the access token or session: an integration (client id, name, scopes, environment) or a customer. The first call to try with a new token.',
        tags: ['environment-api'],
        response: { 200: Self, 401: ApiErrorBody },
      },
    },
    async (request) => {
      const p = bearerPrincipal(request);
      if (p.type === 'customer')
        return {
          type: 'customer',
          id: p.customerId,
          name: p.name,
          fields: p.fields,
          environment: p.environment,
          ...(p.act && { act: p.act }),
        };
      if (p.type === 'admin') return { type: 'admin', environment: p.environment };
      const client = await rt.directory.client(p.clientId);
      return {
        type: 'integration',
        client_id: p.clientId,
        name: client?.name ?? '',
        scopes: [...p.scopes],
        environment: p.environment,
        ...(p.act && { act: p.act }),
      };
    },
  );
}
