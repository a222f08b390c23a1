/**
 * Where throttling windows are shared, for tests that must hold on each (docs/security.md G-72):
 * the SQLite and PostgreSQL stores, and Redis when GATEHOUSE_TEST_REDIS_URL is set.
 */
import { randomUUID } from 'node:crypto';
import type { ConfigInput } from '@gatehouse/server';
import { STORE_KINDS, type StoreKind } from './stores.js';

/** A throttling backend: the store kind and the config that selects it. */
export interface ThrottleBackendCase {
  name: string;
  kind: StoreKind;
  config: () => ConfigInput;
}

const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL;

/** Every backend available here: each store, plus Redis (over SQLite) when configured. */
export const THROTTLE_BACKENDS: ThrottleBackendCase[] = [
  ...STORE_KINDS.map((kind) => ({ name: kind, kind, config: () => ({}) })),
  ...(REDIS_URL
    ? [
        {
          name: 'redis',
          kind: 'sqlite' as const,
          config: () => ({ redisUrl: REDIS_URL, redisPrefix: `gatehouse-test:${randomUUID()}:` }),
        },
      ]
    : []),
];
