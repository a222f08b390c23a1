/**
 * A receiver of Gatehouse's audit webhooks: verifies each delivery with the Standard Webhooks
 * library (`standardwebhooks`: `webhook-id`, `webhook-timestamp`, `webhook-signature`), refuses
 * what fails (altered body, another secret, a timestamp more than 5 minutes away), and hands each
 * event to `onEvent` once: deliveries are at least once, so a retried `webhook-id` is acknowledged
 * again but not handled twice.
 * @packageDocumentation
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/** What Gatehouse sends: the audit event as its audit API lists it. */
export interface AuditWebhook {
  /** The audit action (`integration.create`), or `webhook.test`. */
  type: string;
  /** ISO 8601 time of the event. */
  timestamp: string;
  data: Record<string, unknown>;
}

/** Options of {@link buildReceiver}. */
export interface ReceiverOptions {
  /** The endpoint's signing secret (`whsec_…`), shown once when it was added. */
  secret: string;
  /** Handles one event; called once per `webhook-id`. */
  onEvent(id: string, event: AuditWebhook): void | Promise<void>;
  /** How many `webhook-id`s to remember for deduplication (default 10 000). */
  remember?: number;
  logger?: boolean;
}

/** A Fastify app answering `POST /webhooks/gatehouse` (204 verified, 400 refused) and `GET /healthz`. */
export function buildReceiver(options: ReceiverOptions): FastifyInstance {
  const webhook = new Webhook(options.secret);
  const seen = new Set<string>();
  const remember = options.remember ?? 10_000;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 256 * 1024 });
  // The signature covers the exact bytes: keep the body as a string and parse it after verifying.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post('/webhooks/gatehouse', async (request, reply) => {
    const headers = {
      'webhook-id': String(request.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
    };
    let event: AuditWebhook;
    try {
      event = webhook.verify(String(request.body ?? ''), headers) as AuditWebhook;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      return reply.code(400).send({ error: 'invalid_signature', message: error.message });
    }
    const id = headers['webhook-id'];
    if (!seen.has(id)) {
      await options.onEvent(id, event);
      seen.add(id);
      // Oldest first out: a Set iterates in insertion order.
      if (seen.size > remember) seen.delete(seen.values().next().value as string);
    }
    return reply.code(204).send();
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
