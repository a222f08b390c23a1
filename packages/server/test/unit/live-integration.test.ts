/**
 * The one rule of a token's integration (and an exchanged token's subject) counting now: present,
 * enabled, of the token's environment (G-67, M-117; auth/policy.ts `isLiveIn`). No server.
 */
import { describe, expect, it } from 'vitest';
import { isLiveIn } from '../../src/auth/policy.js';
import type { EnvironmentRecord } from '../../src/store/repositories/environments.js';
import type { ClientRecord } from '../../src/store/repositories/integrations.js';

const env = { id: 'env_a' } as EnvironmentRecord;
const client = (fields: Partial<ClientRecord>) =>
  ({ enabled: true, environmentId: 'env_a', ...fields }) as ClientRecord;

describe('isLiveIn', () => {
  it('an enabled integration of the environment is live; gone, disabled or of another environment is not', () => {
    expect(isLiveIn(client({}), env)).toBe(true);
    expect(isLiveIn(undefined, env)).toBe(false);
    expect(isLiveIn(client({ enabled: false }), env)).toBe(false);
    expect(isLiveIn(client({ environmentId: 'env_b' }), env)).toBe(false);
  });
});
