/**
 * The webhook delivery worker, one per server node (never in the CLI; docs/security.md N-120…N-122).
 * Every `GATEHOUSE_WEBHOOK_POLL_MS` it takes each endpoint's due head from the outbox
 * (repositories/webhook-outbox.ts) by a lease only one node wins, signs it (webhooks/signature.ts),
 * POSTs it within bounds (webhooks/sender.ts) and records the outcome: delivered, retried after
 * base·2^(n−1) (plus up to 25 % jitter, at most 1 h), or given up 24 h after the event; an endpoint
 * failing for 24 h is disabled, audited as `webhook.disable` in the same transaction. At most
 * `GATEHOUSE_WEBHOOK_CONCURRENCY` sends are in flight; an endpoint has one at a time (its head),
 * so its events arrive in order and a slow or failing endpoint holds back no other. A node that
 * dies mid-send leaves a lease that expires: another node sends the delivery again, with the same
 * `webhook-id` and body (at least once; receivers deduplicate by `webhook-id`).
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import type { DueDelivery, WebhookAttemptOutcome } from '../store/repositories/webhook-outbox.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';
import { signatureHeaders } from './signature.js';
import { sendWebhook, type WebhookResponse } from './sender.js';

/** A delivery failing this long after its event is given up (`failed`), milliseconds. */
export const WEBHOOK_GIVE_UP_MS = 24 * 3_600_000;
/** An endpoint failing this long (every attempt since `failing_since`) is disabled, milliseconds. */
export const WEBHOOK_DISABLE_AFTER_MS = 24 * 3_600_000;
/** Longest wait before a retry, milliseconds. */
export const WEBHOOK_MAX_RETRY_DELAY_MS = 3_600_000;
/** The actor of the worker's own audit events. */
export const WEBHOOK_SYSTEM_ACTOR = Object.freeze({ actor: 'system', ip: null });

/** What a worker runs with; every field but `ctx` defaults to the config or the real thing. */
export interface WebhookWorkerOptions {
  /** Store, sealer (the endpoints' secrets), clock (every time decision) and config. */
  ctx: Pick<Context, 'store' | 'sealer' | 'clock' | 'config'>;
  /** This node's lease owner id; default a random one. */
  nodeId?: string;
  /** Default `config.webhookPollMs`. */
  pollMs?: number;
  /** Default `config.webhookConcurrency`. */
  concurrency?: number;
  /** Default `config.webhookRetryBaseMs`. */
  retryBaseMs?: number;
  /** Default `config.webhookAllowedHosts`. */
  allowedHosts?: readonly string[];
  /** The jitter's randomness, [0, 1); default `Math.random` (tests pass `() => 0`). */
  random?: () => number;
  /** TEST-ONLY: the whole-exchange limit of a send, milliseconds (default 5000). */
  timeoutMs?: number;
  /** Told of each attempt's outcome (the runtime counts them in its metrics). */
  onAttempt?: (outcome: WebhookAttemptOutcome['result']) => void;
  /** Told of an error the worker survived (a store outage while polling or recording). */
  onError?: (err: unknown) => void;
}

/**
 * The delay before retry number `attempts` (the count of attempts made, ≥ 1): base·2^(attempts−1)
 * times (1 + 0.25·`random`), at most {@link WEBHOOK_MAX_RETRY_DELAY_MS} — never shorter than
 * base·2^(attempts−1) (or the maximum). Milliseconds.
 * @example retryDelayMs(5000, 3, 0) // 20000
 */
export function retryDelayMs(baseMs: number, attempts: number, random: number): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 40);
  const plain = baseMs * 2 ** exponent;
  return Math.min(Math.round(plain * (1 + 0.25 * Math.min(Math.max(random, 0), 1))), WEBHOOK_MAX_RETRY_DELAY_MS);
}

/** The delivery worker of one node: {@link start} it with the server, {@link stop} it on close. */
export class WebhookWorker {
  readonly nodeId: string;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stepping: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: WebhookWorkerOptions) {
    this.nodeId = options.nodeId ?? `node_${randomUUID()}`;
  }

  private get config() {
    return this.options.ctx.config;
  }

  /** Starts polling every `pollMs`; idempotent; does nothing with concurrency 0. */
  start(): void {
    // Concurrency 0: this node leaves every delivery to the others.
    if (this.running || (this.options.concurrency ?? this.config.webhookConcurrency) === 0) return;
    this.running = true;
    this.schedule(0);
  }

  /**
   * Stops polling and waits for the sends in flight to be recorded; leaves no timer. Safe to call
   * twice, or during a step.
   */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.stepping;
    await this.idle();
  }

  /**
   * Looks for due deliveries now rather than at the next poll (after a send ends, a test event or
   * a redelivery); does nothing when the worker is not started.
   */
  nudge(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stepping) this.again = true;
    else this.schedule(0);
  }

  /** Resolves once no send is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * One step, for tests: claims what is due now (up to the free slots), sends it, and waits until
   * every send it started is recorded. @returns how many deliveries it sent.
   */
  async runOnce(): Promise<number> {
    const started = await this.claimAndSend();
    await Promise.allSettled(started);
    return started.length;
  }

  private schedule(delayMs: number): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delayMs);
    this.timer.unref();
  }

  /** A poll: claims and starts sends, then schedules the next one (sooner when a send ends). */
  private async tick(): Promise<void> {
    if (this.stepping) {
      this.again = true;
      return;
    }
    this.stepping = this.claimAndSend()
      .then(() => undefined)
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => (this.stepping = undefined));
    await this.stepping;
    const soon = this.again;
    this.again = false;
    this.schedule(soon ? 0 : (this.options.pollMs ?? this.config.webhookPollMs));
  }

  /** Claims due heads into the free slots and starts their sends. @returns the sends started. */
  private async claimAndSend(): Promise<Promise<void>[]> {
    const concurrency = this.options.concurrency ?? this.config.webhookConcurrency;
    const free = concurrency - this.inFlight.size;
    if (free <= 0) return [];
    const { store, clock } = this.options.ctx;
    const outbox = repositories(store).webhookOutbox;
    const now = clock.now();
    const due = await outbox.dueHeads(now, concurrency);
    const started: Promise<void>[] = [];
    for (const delivery of due) {
      if (started.length >= free) break;
      if (!(await outbox.claim(delivery.id, this.nodeId, now))) continue;
      const send: Promise<void> = this.deliver(delivery)
        .catch((err: unknown) => this.options.onError?.(err))
        .finally(() => {
          this.inFlight.delete(send);
          // The endpoint's next event may be due now: look again without waiting a whole poll.
          this.nudge();
        });
      this.inFlight.add(send);
      started.push(send);
    }
    return started;
  }

  /** Signs, sends and records one claimed delivery. */
  private async deliver(delivery: DueDelivery): Promise<void> {
    const { ctx } = this.options;
    const attemptedAtMs = ctx.clock.now();
    let response: WebhookResponse;
    try {
      const headers = signatureHeaders(this.secrets(delivery), delivery.id, nowSeconds(ctx.clock), delivery.body);
      response = await sendWebhook(
        { url: delivery.url, headers: { ...headers }, body: delivery.body },
        {
          allowedHosts: this.options.allowedHosts ?? this.config.webhookAllowedHosts,
          timeoutMs: this.options.timeoutMs,
        },
      );
    } catch {
      // Only an unreadable secret gets here (sealed under another key, or altered): it fails like a send.
      response = { ok: false, statusCode: null, error: 'signing secret unreadable', latencyMs: 0 };
    }
    await this.record(delivery, attemptedAtMs, response);
  }

  /** The secrets that sign now: the current one, and the previous one while its overlap lasts. */
  private secrets(delivery: DueDelivery): string[] {
    const { sealer, clock } = this.options.ctx;
    const secrets = [sealer.open(delivery.secretEnc, delivery.endpointId)];
    if (
      delivery.previousSecretEnc &&
      delivery.previousExpiresAt !== null &&
      nowSeconds(clock) < delivery.previousExpiresAt
    )
      secrets.push(sealer.open(delivery.previousSecretEnc, delivery.endpointId));
    return secrets;
  }

  /** Records the attempt; disables the endpoint (audited) when it has failed for 24 h. */
  private async record(delivery: DueDelivery, attemptedAtMs: number, response: WebhookResponse): Promise<void> {
    const { ctx } = this.options;
    const now = ctx.clock.now();
    const attempts = delivery.attempts + 1;
    const result: WebhookAttemptOutcome['result'] = response.ok
      ? 'delivered'
      : now - delivery.createdAtMs >= WEBHOOK_GIVE_UP_MS
        ? 'failed'
        : 'retry';
    const outcome: WebhookAttemptOutcome = {
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      leaseOwner: this.nodeId,
      attemptedAtMs,
      statusCode: response.statusCode,
      latencyMs: response.latencyMs,
      error: response.error,
      result,
      nextAttemptAtMs:
        result === 'retry'
          ? now +
            retryDelayMs(
              this.options.retryBaseMs ?? this.config.webhookRetryBaseMs,
              attempts,
              (this.options.random ?? Math.random)(),
            )
          : undefined,
    };
    await unitOfWork(ctx.store, async (uow) => {
      const recorded = await uow.webhookOutbox.recordAttempt(outcome);
      if (
        result !== 'delivered' &&
        recorded.failingSinceMs !== null &&
        now - recorded.failingSinceMs >= WEBHOOK_DISABLE_AFTER_MS &&
        (await uow.webhookOutbox.disableFailing(delivery.endpointId, now))
      )
        await uow.audit(
          WEBHOOK_SYSTEM_ACTOR,
          {
            environmentId: delivery.environmentId,
            action: 'webhook.disable',
            target: delivery.endpointId,
            result: 'failure',
            details: { reason: 'failing', failing_since: new Date(recorded.failingSinceMs).toISOString() },
          },
          now,
        );
    });
    this.options.onAttempt?.(result);
  }
}
