/**
 * The metrics registry's scrape-time gauge of the webhook outbox: the store's count when it
 * answers, the last value when it does not (a scrape never fails for a store outage). No server.
 */
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';

const pendingLine = async (registry: ReturnType<typeof createMetrics>['registry']) =>
  (await registry.metrics()).split('\n').find((l) => l.startsWith('gatehouse_webhook_outbox_pending '));

describe('metrics', () => {
  it('the outbox gauge reads the store at scrape; a failed read keeps the last value and the scrape succeeds', async () => {
    let answer: () => Promise<number> = async () => 7;
    const metrics = createMetrics(false, { webhookPending: () => answer() });
    expect(await pendingLine(metrics.registry)).toBe('gatehouse_webhook_outbox_pending 7');
    answer = () => Promise.reject(new Error('store unavailable'));
    expect(await pendingLine(metrics.registry)).toBe('gatehouse_webhook_outbox_pending 7');
    answer = async () => 0;
    expect(await pendingLine(metrics.registry)).toBe('gatehouse_webhook_outbox_pending 0');
  });

  it('without the probe there is no outbox gauge, and without defaults no process metrics', async () => {
    const text = await createMetrics(false).registry.metrics();
    expect(text).not.toContain('gatehouse_webhook_outbox_pending');
    expect(text).not.toContain('gatehouse_process_');
    expect(await createMetrics(true).registry.metrics()).toContain('gatehouse_process_');
  });
});
