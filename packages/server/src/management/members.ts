/**
 * Members of an environment and what the caller may do (docs/product.md "Delegated administration"):
 * - `GET /environments/{env}/members` (any member); invitations are in management/invitations.ts;
 * - `PATCH|DELETE /environments/{env}/members/{account_id}` (owners, operators; never the last
 *   owner, never one's own role);
 * - `GET /environments/{env}/capabilities`: the caller's role and capabilities there, so the console
 *   shows only the actions it may take; `GET /me`: the caller and its environments.
 * Console sessions only; every check is the decision of the route's action (auth/decide.ts), and
 * the capabilities are that decision's answers.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Runtime } from '../runtime.js';
import { capabilitiesOf, grantLimit } from '../auth/decide.js';
import { MEMBER_ROLES } from '../auth/role-policy.js';
import type { MemberRole } from '../auth/principal.js';
import { requireEnvironment } from '../services/environments.js';
import { accountView, listEnvironmentMembers, removeMember, setMemberRole } from '../services/members.js';
import { actorFor, principalOf } from './authenticate.js';
import { COMMON, EnvParams, ERRORS, ERRORS_WITH_CONFLICT } from './schemas.js';
import { withExample } from '../openapi/example.js';

/** A member role, as every member and invitation route takes and answers it. */
export const Role = Type.Union(
  MEMBER_ROLES.map((r) => Type.Literal(r)),
  { description: 'owner, admin, developer or viewer' },
);
const Member = Type.Object({ account_id: Type.String(), email: Type.String(), role: Role, created_at: Type.String() });
const MemberParams = Type.Object({
  env: EnvParams.properties.env,
  account_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
});
const RoleChange = Type.Object({ role: Role }, { additionalProperties: false });
const Capabilities = Type.Object({
  operator: Type.Boolean(),
  role: Type.Union([Role, Type.Null()], { description: 'null for an operator' }),
  capabilities: Type.Array(Type.String()),
  grantable_scopes: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description:
      'The Environment API scopes the caller may grant (and hold in the integrations it manages); null: no limit',
  }),
});
const Me = Type.Object({
  email: Type.String(),
  operator: Type.Boolean(),
  memberships: Type.Array(Type.Object({ environment: Type.String(), role: Role })),
});

/** Registers the member routes. */
export function memberRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  const tags = { ...COMMON, tags: ['members'] };
  app.get<{ Params: Static<typeof EnvParams> }>(
    '/environments/:env/members',
    {
      config: { action: 'member.list' },
      schema: {
        ...tags,
        summary: 'List the members of an environment',
        description: 'The accounts that are members of the environment, with their roles.',
        params: EnvParams,
        response: { 200: Type.Object({ items: Type.Array(Member) }), ...ERRORS },
      },
    },
    async (request) => {
      return { items: await listEnvironmentMembers(ctx, request.params.env) };
    },
  );
  app.patch<{ Params: Static<typeof MemberParams>; Body: Static<typeof RoleChange> }>(
    '/environments/:env/members/:account_id',
    {
      config: { action: 'member.update_role' },
      schema: {
        ...tags,
        summary: "Change a member's role (never the last owner's)",
        description: "Changes a member's role. The last owner keeps the owner role (409).",
        params: MemberParams,
        body: withExample(RoleChange, { role: 'admin' }),
        response: { 200: Member, ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request) => {
      return setMemberRole(ctx, actorFor(request), request.params.env, request.params.account_id, request.body.role);
    },
  );
  app.delete<{ Params: Static<typeof MemberParams> }>(
    '/environments/:env/members/:account_id',
    {
      config: { action: 'member.remove' },
      schema: {
        ...tags,
        summary: 'Remove a member (never the last owner)',
        description:
          "Removes a member from the environment; its sessions no longer reach it. The last owner can't be removed (409).",
        params: MemberParams,
        response: { 204: Type.Null(), ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) => {
      await removeMember(ctx, actorFor(request), request.params.env, request.params.account_id);
      return reply.code(204).send();
    },
  );
  app.get<{ Params: Static<typeof EnvParams> }>(
    '/environments/:env/capabilities',
    {
      config: { action: 'capabilities.read' },
      schema: {
        ...tags,
        summary: "The caller's role and capabilities in the environment",
        description:
          'What the caller may do in the environment: its role and the actions it is allowed, for the console to show only what works.',
        params: EnvParams,
        response: { 200: Capabilities, ...ERRORS },
      },
    },
    async (request) => {
      const p = principalOf(request);
      // The environment exists: a member's was resolved by the hook; an operator's is checked here.
      const env = await requireEnvironment(ctx, request.params.env);
      const role: MemberRole | null = p.type === 'member' ? p.role : null;
      const limit = grantLimit(p, env);
      const grantable = limit && [...(limit.get(env.environmentApi.id) ?? [])];
      return {
        operator: p.type === 'console',
        role,
        capabilities: capabilitiesOf(p, env),
        grantable_scopes: grantable ?? null,
      };
    },
  );
  app.get(
    '/me',
    {
      config: { action: 'account.read' },
      schema: {
        ...tags,
        summary: 'The signed-in console account and its environments',
        description: 'The signed-in console account and the environments it belongs to, with its role in each.',
        response: { 200: Me, ...ERRORS },
      },
    },
    async (request) => accountView(ctx, principalOf(request)),
  );
}
