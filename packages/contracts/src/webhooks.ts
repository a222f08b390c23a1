/**
 * Webhook endpoints and their delivery log (issue #28, docs/security.md N-120…N-124): where an
 * environment's audit events (or every event of the server) are POSTed, signed per Standard
 * Webhooks. The signing secret appears only in the answers of creation and rotation.
 * @packageDocumentation
 */
import { Type, type Static } from '@sinclair/typebox';

/** Most endpoints of one environment, and most server-wide endpoints. */
export const MAX_WEBHOOK_ENDPOINTS = 10;
/** Most event patterns of one endpoint. */
export const MAX_WEBHOOK_EVENT_PATTERNS = 20;
/** Longest endpoint URL, characters. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** Longest grace period of the previous secret after a rotation, seconds (7 days). */
export const MAX_WEBHOOK_GRACE_SECONDS = 604_800;
/** Grace period of the previous secret when a rotation names none, seconds (1 day). */
export const DEFAULT_WEBHOOK_GRACE_SECONDS = 86_400;

/**
 * One event pattern: `*`, an exact action (`integration.update`) or a family (`integration.*`);
 * the audit list filter's grammar. `token.*` actions match only a pattern starting with `token.`.
 */
export const WEBHOOK_EVENT_PATTERN = '^(\\*|[a-z0-9_]{1,40}(\\.[a-z0-9_]{1,40}){0,3}(\\.\\*)?)$';

const Url = Type.String({
  minLength: 1,
  maxLength: MAX_WEBHOOK_URL_LENGTH,
  description:
    'https URL without credentials or fragment, at a public address (http and private addresses only for a host of GATEHOUSE_WEBHOOK_ALLOWED_HOSTS)',
});
const Events = Type.Array(Type.String({ minLength: 1, maxLength: 170, pattern: WEBHOOK_EVENT_PATTERN }), {
  minItems: 1,
  maxItems: MAX_WEBHOOK_EVENT_PATTERNS,
  description:
    'Action filters: `*`, an exact action (`integration.update`) or a family (`integration.*`); `token.*` actions only match a pattern starting with `token.`',
});
const Iso = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

/** An endpoint as the API shows it: never its secret. */
export const WebhookEndpoint = Type.Object({
  id: Type.String({ description: '`whk_…`' }),
  environment: Type.Union([Type.String(), Type.Null()], { description: 'Its environment slug; null: server-wide' }),
  url: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabled_reason: Type.Union([Type.Literal('failing'), Type.Null()], {
    description: '`failing`: the server disabled it after 24 h of failed attempts; null otherwise',
  }),
  failing_since: Iso('First failure of the current run of failures; null after a success'),
  previous_secret_expires_at: Iso('Until then deliveries are also signed with the secret before the last rotation'),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type WebhookEndpoint = Static<typeof WebhookEndpoint>;

/** An endpoint with its signing secret (`whsec_…`): the answer of creation and rotation, shown this once. */
export const WebhookEndpointWithSecret = Type.Intersect([
  WebhookEndpoint,
  Type.Object({ secret: Type.String({ description: '`whsec_` + base64 of 32 random bytes; shown this once' }) }),
]);
export type WebhookEndpointWithSecret = Static<typeof WebhookEndpointWithSecret>;

/** Body of `POST …/webhooks`. */
export const WebhookEndpointCreate = Type.Object(
  { url: Url, events: Type.Optional(Events), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type WebhookEndpointCreate = Static<typeof WebhookEndpointCreate>;

/** Body of `PATCH …/webhooks/{id}`; enabling clears `disabled_reason` and `failing_since`. */
export const WebhookEndpointUpdate = Type.Object(
  { url: Type.Optional(Url), events: Type.Optional(Events), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type WebhookEndpointUpdate = Static<typeof WebhookEndpointUpdate>;

/** Body of `POST …/webhooks/{id}/rotate-secret`. */
export const WebhookSecretRotate = Type.Object(
  {
    grace_seconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_WEBHOOK_GRACE_SECONDS,
        description: `How long deliveries are also signed with the previous secret, seconds (default ${DEFAULT_WEBHOOK_GRACE_SECONDS})`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type WebhookSecretRotate = Static<typeof WebhookSecretRotate>;

/** One attempt to send a delivery. */
export const WebhookAttempt = Type.Object({
  attempted_at: Type.String(),
  status_code: Type.Union([Type.Integer(), Type.Null()], { description: 'null: no answer (timeout, refused)' }),
  latency_ms: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type WebhookAttempt = Static<typeof WebhookAttempt>;

/** One message of an endpoint's delivery log (`msg_…`: the Standard Webhooks `webhook-id`). */
export const WebhookDelivery = Type.Object({
  id: Type.String(),
  endpoint_id: Type.String(),
  event_id: Type.Union([Type.String(), Type.Null()], { description: 'The audit event; null for a test event' }),
  type: Type.String({ description: 'The audit action, or `webhook.test`' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  next_attempt_at: Iso('When it is due next; null unless pending'),
  last_attempt_at: Iso('The last attempt; null before the first'),
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_latency_ms: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  delivered_at: Iso('When a 2xx answered it'),
  created_at: Type.String(),
  recent_attempts: Type.Array(WebhookAttempt, { description: 'The newest attempts first, at most 5' }),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;
