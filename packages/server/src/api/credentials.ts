/** `/api/v1/environments/{env}/credentials`: customer-token credentials; console admins only. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ApiError as ApiErrorBody, EnvParams } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { ApiError } from '../errors/api-error.js';
import { addPublicKey, getCredentials, removePublicKey, rotateEnvironmentSecret } from '../services/credentials.js';
import { PUBLIC_KEY_ALGS } from '../services/public-keys.js';
import { actorOf } from '../auth/principal.js';

const errors = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody };
const common = { tags: ['customer-tokens'] };
const PublicKey = Type.Object({ id: Type.String(), alg: Type.String(), kid: Type.Union([Type.String(), Type.Null()]), allow_admin: Type.Boolean(), created_at: Type.String() });
const Credentials = Type.Object({
  environment_key: Type.String(),
  environment_secret: Type.Union([Type.String(), Type.Null()], { description: 'Shown only when created' }),
  secret_created_at: Type.Union([Type.String(), Type.Null()]),
  public_keys: Type.Array(PublicKey),
});
const Rotate = Type.Object({ grace_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000 })) }, { additionalProperties: false });
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

function consoleOnly(request: FastifyRequest) {
  const p = request.principal;
  if (p?.type !== 'console') throw new ApiError(403, 'forbidden', 'environment credentials are managed from the console or the CLI');
  return { actor: actorOf(p), ip: request.ip };
}

/** Registers the credential routes. */
export function credentialRoutes(app: FastifyInstance, rt: Runtime): void {
  const base = '/environments/:env/credentials';
  app.get<{ Params: Static<typeof EnvParams> }>(base, { schema: { ...common, summary: 'Environment key, secret (on creation) and public keys', params: EnvParams, response: { 200: Credentials, ...errors } } }, async (request) =>
    getCredentials(rt.ctx, consoleOnly(request), request.params.env),
  );
  app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof Rotate> }>(
    `${base}/rotate-secret`,
    { schema: { ...common, summary: 'Rotate the environment secret', params: EnvParams, body: Rotate, response: { 200: Type.Object({ environment_key: Type.String(), environment_secret: Type.String() }), ...errors } } },
    async (request) => rotateEnvironmentSecret(rt.ctx, consoleOnly(request), request.params.env, request.body.grace_seconds ?? 0),
  );
  app.post<{ Params: Static<typeof EnvParams>; Body: Static<typeof KeyCreate> }>(
    `${base}/public-keys`,
    { schema: { ...common, summary: 'Register a public key for customer tokens', params: EnvParams, body: KeyCreate, response: { 201: PublicKey, ...errors } } },
    async (request, reply) => reply.code(201).send(await addPublicKey(rt.ctx, consoleOnly(request), request.params.env, request.body)),
  );
  app.delete<{ Params: Static<typeof KeyParams> }>(
    `${base}/public-keys/:id`,
    { schema: { ...common, summary: 'Remove a public key', params: KeyParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await removePublicKey(rt.ctx, consoleOnly(request), request.params.env, request.params.id);
      return reply.code(204).send();
    },
  );
}
