/**
 * The webhook options of the configuration (issue #28): defaults, environment variables, bounds.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';

const load = (env: NodeJS.ProcessEnv) => loadConfig({ dataDir: '/nonexistent/gatehouse-config-test' }, env);

describe('webhook configuration', () => {
  it('defaults: no allowed hosts, 5 s retry base, 1 s poll, 8 in flight', () => {
    expect(load({})).toMatchObject({
      webhookAllowedHosts: [],
      webhookRetryBaseMs: 5000,
      webhookPollMs: 1000,
      webhookConcurrency: 8,
    });
  });

  it('reads GATEHOUSE_WEBHOOK_* (hosts trimmed and lower-cased, host or host:port)', () => {
    const config = load({
      GATEHOUSE_WEBHOOK_ALLOWED_HOSTS: ' Hooks.Internal , 127.0.0.1:8080,,',
      GATEHOUSE_WEBHOOK_RETRY_BASE_MS: '250',
      GATEHOUSE_WEBHOOK_POLL_MS: '50',
      GATEHOUSE_WEBHOOK_CONCURRENCY: '2',
    });
    expect(config).toMatchObject({
      webhookAllowedHosts: ['hooks.internal', '127.0.0.1:8080'],
      webhookRetryBaseMs: 250,
      webhookPollMs: 50,
      webhookConcurrency: 2,
    });
    expect(Object.isFrozen(config.webhookAllowedHosts)).toBe(true);
  });

  it.each([
    ['GATEHOUSE_WEBHOOK_RETRY_BASE_MS', '9', 'webhookRetryBaseMs'],
    ['GATEHOUSE_WEBHOOK_RETRY_BASE_MS', '3600001', 'webhookRetryBaseMs'],
    ['GATEHOUSE_WEBHOOK_POLL_MS', '0', 'webhookPollMs'],
    ['GATEHOUSE_WEBHOOK_POLL_MS', '60001', 'webhookPollMs'],
    ['GATEHOUSE_WEBHOOK_CONCURRENCY', '-1', 'webhookConcurrency'],
    ['GATEHOUSE_WEBHOOK_CONCURRENCY', '65', 'webhookConcurrency'],
    ['GATEHOUSE_WEBHOOK_CONCURRENCY', '2.5', 'webhookConcurrency'],
  ])('%s=%s is refused, naming the option', (name, value, option) => {
    expect(() => load({ [name]: value })).toThrow(option);
  });
});
