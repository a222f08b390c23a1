/**
 * `GET/POST …/integrations/{client_id}/keys` and `DELETE …/keys/{kid}`: the public keys an
 * integration authenticates with by `private_key_jwt` (RFC 7523 §2.2). Listing needs
 * `integrations:read` (keys are public). Adding or removing a key decides who can act as the
 * integration, so it is checked like a secret rotation: its own always; another's needs
 * `integrations:write`, `integrations:secrets` and a target whose grants the caller holds (G-70).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ClientKey, ClientKeyAdd } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { addClientKey, listClientKeys, removeClientKey } from '../services/client-keys.js';
import { actorFor, principalOf } from './authenticate.js';
import { COMMON, ERRORS_WITH_CONFLICT, IntegrationParams } from './schemas.js';
import { withExample } from '../openapi/example.js';

const KeyParams = Type.Object({ ...IntegrationParams.properties, kid: Type.String({ minLength: 1, maxLength: 128 }) });

/** Registers the key routes. */
export function integrationKeyRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  const base = '/environments/:env/integrations/:client_id/keys';
  app.get<{ Params: Static<typeof IntegrationParams> }>(
    base,
    {
      config: { action: 'integration.read' },
      schema: {
        ...COMMON,
        summary: 'List the public keys of an integration (private_key_jwt)',
        description:
          'The public keys (JWK) the integration signs its client assertions with (private_key_jwt, RFC 7523), by kid.',
        params: IntegrationParams,
        response: { 200: Type.Object({ items: Type.Array(ClientKey) }), ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request) => ({ items: await listClientKeys(ctx, request.params.client_id, request.params.env) }),
  );
  app.post<{ Params: Static<typeof IntegrationParams>; Body: Static<typeof ClientKeyAdd> }>(
    base,
    {
      config: { action: 'integration.manage_keys' },
      schema: {
        ...COMMON,
        summary: 'Register a public key (JWK)',
        description:
          "Adds a public key (a JWK with a `kid`) the integration may sign client assertions with. Your own integration: always; another's: needs integrations:write and integrations:secrets. Private keys are refused.",
        params: IntegrationParams,
        body: withExample(ClientKeyAdd, {
          jwk: {
            kty: 'EC',
            crv: 'P-256',
            kid: '2026-01',
            alg: 'ES256',
            x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
            y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
          },
        }),
        response: { 201: ClientKey, ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) => {
      const key = await addClientKey(
        ctx,
        actorFor(request),
        request.params.client_id,
        request.body.jwk,
        request.params.env,
        principalOf(request),
      );
      return reply.code(201).send(key);
    },
  );
  app.delete<{ Params: Static<typeof KeyParams> }>(
    `${base}/:kid`,
    {
      config: { action: 'integration.manage_keys' },
      schema: {
        ...COMMON,
        summary: 'Remove a public key; assertions signed with it fail from then on',
        description: 'Removes a public key by kid: client assertions signed with it fail from then on.',
        params: KeyParams,
        response: { 204: Type.Null(), ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) => {
      await removeClientKey(
        ctx,
        actorFor(request),
        request.params.client_id,
        request.params.kid,
        request.params.env,
        principalOf(request),
      );
      return reply.code(204).send();
    },
  );
}
