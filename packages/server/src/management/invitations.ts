/**
 * Invitations to an environment (docs/product.md "Delegated administration"):
 * - `POST /environments/{env}/invitations` (owners, operators): a single-use link, answered once;
 *   a pending invitation of the same email is replaced;
 * - `GET /environments/{env}/invitations` (anyone who reads the members): the pending ones, never
 *   their tokens;
 * - `DELETE /environments/{env}/invitations/{id}` (owners, operators): revoke a pending one.
 * Console sessions only; every check is the decision of the route's action (auth/decide.ts).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { PendingInvitation } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { createInvitation, listInvitations, revokeInvitation } from '../services/invitations.js';
import { actorFor } from './authenticate.js';
import { Role } from './members.js';
import { COMMON, EnvParams, ERRORS } from './schemas.js';
import { withExample } from '../openapi/example.js';

const InvitationCreate = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 320 }), role: Role },
  { additionalProperties: false },
);
const InvitationCreated = Type.Object({
  id: Type.String({ description: 'inv_…: what revoking names' }),
  link: Type.String({ description: 'Single-use; shown this once' }),
  environment: Type.String(),
  email: Type.String(),
  role: Role,
  expires_at: Type.String(),
});
const InvitationParams = Type.Object({
  env: EnvParams.properties.env,
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});

/** Registers the invitation routes. */
export function invitationManagementRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  const tags = { ...COMMON, tags: ['members'] };
  app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof InvitationCreate> }>(
    '/environments/:env/invitations',
    {
      config: { action: 'member.invite' },
      schema: {
        ...tags,
        summary: 'Invite someone to the environment',
        description:
          'Invites an email address with a role: answers a single-use link, shown once, that the invited person opens to join. Replaces a pending invitation of the same email.',
        params: EnvParams,
        body: withExample(InvitationCreate, { email: 'dev@example.com', role: 'developer' }),
        response: { 201: InvitationCreated, ...ERRORS },
      },
    },
    async (request, reply) => {
      const created = await createInvitation(
        ctx,
        actorFor(request),
        request.params.env,
        request.body.email,
        request.body.role,
      );
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );
  app.get<{ Params: Static<typeof EnvParams> }>(
    '/environments/:env/invitations',
    {
      config: { action: 'invitation.list' },
      schema: {
        ...tags,
        summary: 'List pending invitations',
        description: 'The invitations not used, expired or revoked yet, oldest first (never their links).',
        params: EnvParams,
        response: { 200: Type.Object({ items: Type.Array(PendingInvitation) }), ...ERRORS },
      },
    },
    async (request) => {
      return { items: await listInvitations(ctx, request.params.env) };
    },
  );
  app.delete<{ Params: Static<typeof InvitationParams> }>(
    '/environments/:env/invitations/:id',
    {
      config: { action: 'invitation.revoke' },
      schema: {
        ...tags,
        summary: 'Revoke a pending invitation: its link is refused from then on',
        description: 'Revokes a pending invitation: its link is refused from then on.',
        params: InvitationParams,
        response: { 204: Type.Null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await revokeInvitation(ctx, actorFor(request), request.params.env, request.params.id);
      return reply.code(204).send();
    },
  );
}
