/**
 * `GET/POST …/integrations/{client_id}/federated-credentials` and `DELETE …/{id}` (issue #26): the
 * platform issuers and subjects an integration trusts instead of a secret or key. Listing needs
 * `integrations:read`; adding or removing one is decided like adding a key: its own always,
 * another's with `integrations:write` and `integrations:secrets` (L-109).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { FederatedCredential, FederatedCredentialAdd } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import {
  addFederatedCredential,
  listFederatedCredentials,
  removeFederatedCredential,
} from '../services/federated-credentials.js';
import { actorFor, principalOf } from './authenticate.js';
import { withExample } from '../openapi/example.js';
import { COMMON, ERRORS_WITH_CONFLICT, IntegrationParams } from './schemas.js';

const CredentialParams = Type.Object({
  ...IntegrationParams.properties,
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});

/** Registers the federated-credential routes. */
export function federatedCredentialRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  const base = '/environments/:env/integrations/:client_id/federated-credentials';
  app.get<{ Params: Static<typeof IntegrationParams> }>(
    base,
    {
      config: { action: 'integration.read' },
      schema: {
        ...COMMON,
        summary: 'List the federated credentials of an integration',
        description:
          'Each credential trusts the platform tokens of one (`issuer`, `subject`) pair, with its `audience` (absent: this server\'s issuer identifier), optional `jwks_uri` and exact-match `claims` (PRODUCT.md "Federated credentials").',
        params: IntegrationParams,
        response: { 200: Type.Object({ items: Type.Array(FederatedCredential) }), ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request) => ({
      items: await listFederatedCredentials(ctx, request.params.client_id, request.params.env),
    }),
  );
  app.post<{ Params: Static<typeof IntegrationParams>; Body: Static<typeof FederatedCredentialAdd> }>(
    base,
    {
      config: { action: 'integration.manage_federated_credentials' },
      schema: {
        ...COMMON,
        summary: "Trust a platform's tokens (issuer, subject)",
        description:
          "Adds a federated credential (at most 20 per integration): a platform token (Kubernetes service-account token, GitHub Actions OIDC token, SPIFFE JWT-SVID) with this `iss` and `sub` then authenticates the integration at `/oauth/token` (RFC 7523 §2.1 `jwt-bearer` grant or §2.2 `client_assertion`). The issuer's keys come from its discovery document or `jwks_uri`. (`issuer`, `subject`) belongs to one integration on the server: 409 names the one holding it. Your own integration: always; another's: `integrations:write` and `integrations:secrets`.",
        params: IntegrationParams,
        body: withExample(FederatedCredentialAdd, {
          issuer: 'https://token.actions.githubusercontent.com',
          subject: 'repo:acme/billing:ref:refs/heads/main',
          audience: 'https://gatehouse.example.com',
          claims: { repository_owner: 'acme' },
        }),
        response: { 201: FederatedCredential, ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) => {
      const created = await addFederatedCredential(
        ctx,
        actorFor(request),
        request.params.client_id,
        request.body,
        request.params.env,
        principalOf(request),
      );
      return reply.code(201).send(created);
    },
  );
  app.delete<{ Params: Static<typeof CredentialParams> }>(
    `${base}/:id`,
    {
      config: { action: 'integration.manage_federated_credentials' },
      schema: {
        ...COMMON,
        summary: 'Remove a federated credential',
        description: 'Removes one federated credential; platform tokens matching it are refused from then on.',
        params: CredentialParams,
        response: { 204: Type.Null(), ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) => {
      await removeFederatedCredential(
        ctx,
        actorFor(request),
        request.params.client_id,
        request.params.id,
        request.params.env,
        principalOf(request),
      );
      return reply.code(204).send();
    },
  );
}
