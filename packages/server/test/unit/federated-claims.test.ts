/** Dotted claim paths of federated credentials (issue #26): the longest key that prefixes the rest wins. */
import { describe, expect, it } from 'vitest';
import type { FederatedTokenRefused } from '../../src/auth/federated-claims.js';
import { claimAt, checkFederatedClaims } from '../../src/auth/federated-claims.js';

describe('claimAt', () => {
  const claims = {
    'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'api' } },
    kubernetes: { io: { namespace: 'decoy' } },
    repository_owner: 'acme',
    groups: ['a'],
  };
  it('reads plain, nested and dotted keys, the longest key first', () => {
    expect(claimAt(claims, 'repository_owner')).toBe('acme');
    expect(claimAt(claims, 'kubernetes.io.namespace')).toBe('payments');
    expect(claimAt(claims, 'kubernetes.io.serviceaccount.name')).toBe('api');
  });
  it('never enters arrays and answers undefined for a path that leads nowhere', () => {
    expect(claimAt(claims, 'groups.0')).toBeUndefined();
    expect(claimAt(claims, 'missing.path')).toBeUndefined();
    expect(claimAt(claims, 'repository_owner.x')).toBeUndefined();
  });
});

describe('L-105 L-106 checkFederatedClaims', () => {
  const rules = { audience: 'https://gh.test', claims: { 'a.b': 1 }, clockSkew: 30, maxLifetime: 3600, now: 1000 };
  const reason = (payload: Record<string, unknown>) => {
    try {
      checkFederatedClaims(payload, rules);
      return 'ok';
    } catch (err) {
      return (err as FederatedTokenRefused).reason;
    }
  };
  it('names the failed check', () => {
    const good = { aud: ['x', 'https://gh.test'], exp: 1600, iat: 1000, a: { b: 1 } };
    expect(reason(good)).toBe('ok');
    expect(reason({ ...good, aud: 'x' })).toBe('audience');
    expect(reason({ ...good, exp: undefined })).toBe('lifetime');
    expect(reason({ ...good, exp: 900, iat: 800 })).toBe('lifetime');
    expect(reason({ ...good, iat: 1100, exp: 1700 })).toBe('lifetime');
    expect(reason({ ...good, nbf: 1100 })).toBe('lifetime');
    expect(reason({ ...good, iat: 1000, exp: 1000 + 3601 })).toBe('lifetime');
    expect(reason({ ...good, a: { b: '1' } })).toBe('claims');
  });
});
