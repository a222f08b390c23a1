/**
 * Webhook endpoints and their delivery log (issue #28): `…/environments/{env}/webhooks…` for an
 * environment's (owners and admins; management tokens with `audit:read` to read, `webhooks:write`
 * to change) and `/webhooks…` for the server-wide ones (operators), with the same shapes. The
 * signing secret is answered only by creation and rotation.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static, type TObject } from '@sinclair/typebox';
import {
  EnvParams,
  Page,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointUpdate,
  WebhookEndpointWithSecret,
  WebhookSecretRotate,
  type Action,
} from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import {
  createWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  removeWebhookEndpoint,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from '../services/webhooks.js';
import { listWebhookDeliveries, redeliverWebhook, sendWebhookTest } from '../services/webhook-deliveries.js';
import { withExample } from '../openapi/example.js';
import { actorFor, principalOf } from './authenticate.js';
import { COMMON, ERRORS, ERRORS_WITH_CONFLICT } from './schemas.js';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const DeliveriesQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 80, description: 'next_cursor of the previous page' })),
  },
  { additionalProperties: false },
);

/** The two places webhooks live: an environment's (path `{env}`) and the server's. */
interface Place {
  base: string;
  params: TObject;
  read: Action;
  write: Action;
  /** Whose endpoints, for the summaries. */
  whose: string;
  /** Who may, for the descriptions. */
  who: string;
  /** The environment slug of a request (null: server-wide). */
  slug(request: FastifyRequest): string | null;
}

const PLACES: readonly Place[] = [
  {
    base: '/environments/:env/webhooks',
    params: EnvParams,
    read: 'webhook.read',
    write: 'webhook.write',
    whose: "the environment's",
    who: 'Owners and admins of the environment; management tokens need `audit:read` to read and `webhooks:write` to change.',
    slug: (request) => (request.params as Static<typeof EnvParams>).env,
  },
  {
    base: '/webhooks',
    params: Type.Object({}),
    read: 'webhook.read_server',
    write: 'webhook.write_server',
    whose: 'the server-wide',
    who: 'Operators only; these endpoints get every event of the server.',
    slug: () => null,
  },
];

type IdParams = { id: string; delivery?: string };

/** Registers the webhook routes of both places. */
export function webhookRoutes(app: FastifyInstance, rt: Runtime): void {
  for (const place of PLACES) placeRoutes(app, rt, place);
}

function placeRoutes(app: FastifyInstance, rt: Runtime, place: Place): void {
  const { ctx } = rt;
  const { base, read, write, whose, who } = place;
  const withId = Type.Object({ ...place.params.properties, id: Id });
  const withDelivery = Type.Object({ ...withId.properties, delivery: Id });
  const params = Object.keys(place.params.properties).length ? { params: place.params } : {};
  const id = (request: FastifyRequest) => (request.params as IdParams).id;

  app.get(
    base,
    {
      config: { action: read },
      schema: {
        ...COMMON,
        summary: `List ${whose} webhook endpoints`,
        description: `The endpoints audit events are POSTed to, signed per Standard Webhooks; never their secrets. ${who}`,
        ...params,
        response: { 200: Type.Object({ items: Type.Array(WebhookEndpoint) }), ...ERRORS },
      },
    },
    async (request) => ({ items: await listWebhookEndpoints(ctx, place.slug(request), principalOf(request)) }),
  );
  app.post(
    base,
    {
      config: { action: write },
      schema: {
        ...COMMON,
        summary: `Add a webhook endpoint (${whose})`,
        description: `Audit events whose action matches \`events\` (default \`["*"]\`; \`token.*\` actions only match a pattern starting with \`token.\`) are POSTed to \`url\` (https at a public address; http and private addresses only for a host of GATEHOUSE_WEBHOOK_ALLOWED_HOSTS). At most 10 endpoints (409 beyond). The answer holds the signing \`secret\` (\`whsec_…\`), shown this once. ${who}`,
        ...params,
        body: withExample(WebhookEndpointCreate, {
          url: 'https://siem.example.com/gatehouse',
          events: ['integration.*', 'member.*'],
        }),
        response: { 201: WebhookEndpointWithSecret, ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) => {
      const created = await createWebhookEndpoint(
        ctx,
        actorFor(request),
        place.slug(request),
        request.body as Static<typeof WebhookEndpointCreate>,
        principalOf(request),
      );
      return reply.code(201).send(created);
    },
  );
  app.get(
    `${base}/:id`,
    {
      config: { action: read },
      schema: {
        ...COMMON,
        summary: `Read a webhook endpoint (${whose})`,
        description: `One endpoint; never its secret. ${who}`,
        params: withId,
        response: { 200: WebhookEndpoint, ...ERRORS },
      },
    },
    async (request) => getWebhookEndpoint(ctx, place.slug(request), id(request), principalOf(request)),
  );
  app.patch(
    `${base}/:id`,
    {
      config: { action: write },
      schema: {
        ...COMMON,
        summary: `Change a webhook endpoint (${whose})`,
        description: `Changes its \`url\`, \`events\` or \`enabled\`; enabling clears \`disabled_reason\` and \`failing_since\`, and its pending deliveries resume. ${who}`,
        params: withId,
        body: withExample(WebhookEndpointUpdate, { enabled: true }),
        response: { 200: WebhookEndpoint, ...ERRORS },
      },
    },
    async (request) =>
      updateWebhookEndpoint(
        ctx,
        actorFor(request),
        place.slug(request),
        id(request),
        request.body as Static<typeof WebhookEndpointUpdate>,
        principalOf(request),
      ),
  );
  app.delete(
    `${base}/:id`,
    {
      config: { action: write },
      schema: {
        ...COMMON,
        summary: `Remove a webhook endpoint (${whose})`,
        description: `Removes the endpoint and its delivery log; its pending deliveries are never sent. ${who}`,
        params: withId,
        response: { 204: Type.Null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      await removeWebhookEndpoint(ctx, actorFor(request), place.slug(request), id(request), principalOf(request));
      return reply.code(204).send();
    },
  );
  app.post(
    `${base}/:id/rotate-secret`,
    {
      config: { action: write },
      schema: {
        ...COMMON,
        summary: `Rotate a webhook endpoint's signing secret (${whose})`,
        description: `Answers the new \`secret\`, shown this once. For \`grace_seconds\` (default 86400, at most 604800) deliveries carry two signatures, the new one first, so the receiver can switch without losing a message. ${who}`,
        params: withId,
        body: withExample(WebhookSecretRotate, { grace_seconds: 86400 }),
        response: { 200: WebhookEndpointWithSecret, ...ERRORS },
      },
      // The action was decided in onRequest; the body is optional.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) =>
      rotateWebhookSecret(
        ctx,
        actorFor(request),
        place.slug(request),
        id(request),
        (request.body as Static<typeof WebhookSecretRotate> | undefined)?.grace_seconds,
        principalOf(request),
      ),
  );
  app.post(
    `${base}/:id/test`,
    {
      config: { action: write },
      schema: {
        ...COMMON,
        summary: `Send a test event to a webhook endpoint (${whose})`,
        description: `Queues a \`webhook.test\` delivery for this endpoint only, due now (409 for a disabled endpoint). ${who}`,
        params: withId,
        response: { 202: WebhookDelivery, ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await sendWebhookTest(ctx, actorFor(request), place.slug(request), id(request), principalOf(request))),
  );
  app.get(
    `${base}/:id/deliveries`,
    {
      config: { action: read },
      schema: {
        ...COMMON,
        summary: `The delivery log of a webhook endpoint (${whose})`,
        description: `Its deliveries, newest first, each with its status, the last answer and its 5 newest attempts. ${who}`,
        params: withId,
        querystring: DeliveriesQuery,
        response: { 200: Page(WebhookDelivery), ...ERRORS },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof DeliveriesQuery>;
      return listWebhookDeliveries(
        ctx,
        place.slug(request),
        id(request),
        query.limit ?? 20,
        query.cursor,
        principalOf(request),
      );
    },
  );
  app.post(
    `${base}/:id/deliveries/:delivery/redeliver`,
    {
      config: { action: write },
      schema: {
        ...COMMON,
        summary: `Redeliver a webhook message (${whose})`,
        description: `Sends the delivery again, due now, with the same \`webhook-id\` and body (409 while it is being sent). ${who}`,
        params: withDelivery,
        response: { 202: WebhookDelivery, ...ERRORS_WITH_CONFLICT },
      },
    },
    async (request, reply) => {
      const { delivery } = request.params as Required<IdParams>;
      const redelivered = await redeliverWebhook(
        ctx,
        actorFor(request),
        place.slug(request),
        id(request),
        delivery,
        principalOf(request),
      );
      return reply.code(202).send(redelivered);
    },
  );
}
