/**
 * Prometheus metrics (prom-client), one registry per runtime: tokens minted and reused, failed
 * client authentications, bearer verifications, failed cache invalidations, request latency by route,
 * and webhook deliveries (attempts by outcome, the outbox's pending depth).
 * @packageDocumentation
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One labelled series of a histogram (what `Histogram.labels(...)` answers). */
export interface Observer {
  /** Records one value (seconds for the latency histograms). */
  observe(value: number): void;
}

/** The metrics of one Gatehouse process. */
export interface Metrics {
  registry: Registry;
  /** Tokens handed out at the token endpoint, by `outcome` (`minted` or `reused`). */
  tokens: Counter<'outcome'>;
  /** Failed client authentications, by `reason` (`invalid_client`, `throttled`). */
  authFailures: Counter<'reason'>;
  /** Bearer verifications, by `result` (`cache_hit`, `verified`, `refused`). */
  verifications: Counter<'result'>;
  /**
   * Batches of changes whose cache invalidation failed here (a reload meeting a store error); each
   * is retried on the next poll, and `/readyz` answers not ready until one succeeds (K-101).
   */
  invalidationFailures: Counter;
  /** Request latency in seconds, by method, route and status. */
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  /** Store query latency in seconds, by `result` (`ok`, `error`). */
  storeDuration: Histogram<'result'>;
  /** Webhook delivery attempts, by `outcome` (`delivered`, `retry`, `failed`: given up). */
  webhookDeliveries: Counter<'outcome'>;
}

/** Values read from elsewhere when `/metrics` is scraped. */
export interface MetricProbes {
  /** Deliveries pending in the webhook outbox (all nodes'), read at scrape; a failed read keeps the last value. */
  webhookPending?: () => Promise<number>;
}

/** Creates the metrics; `defaults` adds process metrics (memory, event loop lag); `probes` gauges read at scrape. */
export function createMetrics(defaults = true, probes: MetricProbes = {}): Metrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: 'gatehouse_' });
  const pending = probes.webhookPending;
  if (pending)
    new Gauge({
      name: 'gatehouse_webhook_outbox_pending',
      help: 'Webhook deliveries pending in the outbox (every node of the store)',
      registers: [registry],
      async collect() {
        // A store that can't answer now leaves the last value (the scrape still succeeds).
        const n = await pending().catch(() => undefined);
        if (n !== undefined) this.set(n);
      },
    });
  return {
    registry,
    tokens: new Counter({
      name: 'gatehouse_tokens_total',
      help: 'Tokens handed out at the token endpoint',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'gatehouse_client_auth_failures_total',
      help: 'Failed client authentications',
      labelNames: ['reason'],
      registers: [registry],
    }),
    verifications: new Counter({
      name: 'gatehouse_bearer_verifications_total',
      help: 'Bearer token verifications',
      labelNames: ['result'],
      registers: [registry],
    }),
    invalidationFailures: new Counter({
      name: 'gatehouse_invalidation_failures_total',
      help: 'Change-feed batches whose cache invalidation failed (retried on the next poll)',
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'gatehouse_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    storeDuration: new Histogram({
      name: 'gatehouse_store_query_duration_seconds',
      help: 'Store query latency',
      labelNames: ['result'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1],
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'gatehouse_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (delivered, retry, failed: given up; error: the worker could not read or write the store)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
