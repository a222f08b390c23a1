/**
 * `/api/v1/environments/{env}/credentials`: customer-token credentials; operators and members whose
 * role allows (`credentials.*`, auth/decide.ts), never a bearer token.
 * Reading never creates a secret (docs/security.md H-82): `POST …/credentials/secret` creates it and
 * `POST …/credentials/rotate-secret` replaces it; both answer it once, with `Cache-Control: no-store`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody, EnvParams } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import {
  addPublicKey,
  createEnvironmentSecret,
  getCredentials,
  removePublicKey,
  rotateEnvironmentSecret,
} from '../services/credentials.js';
import { PUBLIC_KEY_ALGS } from '../services/public-keys.js';
import { actorOf } from '../auth/principal.js';
import { withExample } from '../openapi/example.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody };
const common = { tags: ['customer-tokens'] };
const PublicKey = Type.Object({
  id: Type.String(),
  alg: Type.String(),
  kid: Type.Union([Type.String(), Type.Null()]),
  allow_admin: Type.Boolean(),
  created_at: Type.String(),
});
const Credentials = Type.Object({
  environment_key: Type.String(),
  environment_secret: Type.Null({
    description:
      'Always null: the secret is shown once, by POST …/credentials/secret (creation) or POST …/credentials/rotate-secret, and can not be shown again',
  }),
  environment_secret_note: Type.String({
    description: 'Why environment_secret is null and how to get a secret: rotate the existing one, or create the first',
  }),
  secret_created_at: Type.Union([Type.String(), Type.Null()], {
    description:
      'When the current secret was created; null while none exists (create it with POST …/credentials/secret)',
  }),
  public_keys: Type.Array(PublicKey),
});
const NewSecret = Type.Object({
  environment_key: Type.String(),
  environment_secret: Type.String({ description: 'Shown this once: store it now' }),
  secret_created_at: Type.String(),
});
const Rotate = Type.Object(
  { grace_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000 })) },
  { additionalProperties: false },
);
const KeyCreate = Type.Object(
  {
    alg: Type.Union(PUBLIC_KEY_ALGS.map((a) => Type.Literal(a))),
    key: Type.String({ minLength: 1, maxLength: 20_000, description: 'PEM (SPKI) or JWK JSON' }),
    kid: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    allow_admin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const KeyParams = Type.Object({ env: EnvParams.properties.env, id: Type.String({ maxLength: 64 }) });

/** The audit actor: an operator or a member (the only callers `credentials.*` allows: auth/decide.ts). */
function actorFor(request: FastifyRequest) {
  return { actor: actorOf(request.principal!), ip: request.ip };
}

/** Registers the credential routes. */
export function credentialRoutes(app: FastifyInstance, rt: Runtime): void {
  const base = '/environments/:env/credentials';
  app.get<{ Params: Static<typeof EnvParams> }>(
    base,
    {
      config: { action: 'credentials.read' },
      schema: {
        ...common,
        summary: 'Customer-token credentials',
        description:
          "The environment's key id for customer tokens, when its secret was created (never the secret) and the registered public keys.",
        params: EnvParams,
        response: { 200: Credentials, ...errors },
      },
    },
    async (request, reply) => {
      return reply.header('cache-control', 'no-store').send(await getCredentials(rt.ctx, request.params.env));
    },
  );
  app.post<{ Params: Static<typeof EnvParams> }>(
    `${base}/secret`,
    {
      config: { action: 'credentials.create_secret' },
      schema: {
        ...common,
        summary: 'Create the environment secret',
        description:
          'Creates the secret that signs customer tokens (HS256), shown once. Refused (409) when one exists: rotate it instead.',
        params: EnvParams,
        response: { 201: NewSecret, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .header('cache-control', 'no-store')
        .send(await createEnvironmentSecret(rt.ctx, actorFor(request), request.params.env)),
  );
  app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof Rotate> }>(
    `${base}/rotate-secret`,
    {
      config: { action: 'credentials.rotate' },
      schema: {
        ...common,
        summary: 'Rotate the environment secret',
        description:
          'Replaces the environment secret with a new one, shown once; the previous one keeps verifying for the grace period given.',
        params: EnvParams,
        body: withExample(Rotate, { grace_seconds: 3600 }),
        response: { 200: NewSecret, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(
          await rotateEnvironmentSecret(rt.ctx, actorFor(request), request.params.env, request.body.grace_seconds ?? 0),
        ),
  );
  app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof KeyCreate> }>(
    `${base}/public-keys`,
    {
      config: { action: 'credentials.add_key' },
      schema: {
        ...common,
        summary: 'Register a public key for customer tokens',
        description: 'Registers a public key (PEM or JWK) whose private key signs customer tokens on your side.',
        params: EnvParams,
        body: withExample(KeyCreate, {
          alg: 'ES256',
          key: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…\n-----END PUBLIC KEY-----',
          kid: 'backend-2026',
        }),
        response: { 201: PublicKey, ...errors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await addPublicKey(rt.ctx, actorFor(request), request.params.env, request.body)),
  );
  app.delete<{ Params: Static<typeof KeyParams> }>(
    `${base}/public-keys/:id`,
    {
      config: { action: 'credentials.remove_key' },
      schema: {
        ...common,
        summary: 'Remove a public key',
        description: 'Removes a public key: customer tokens signed with it are refused from then on.',
        params: KeyParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await removePublicKey(rt.ctx, actorFor(request), request.params.env, request.params.id);
      return reply.code(204).send();
    },
  );
}
