/**
 * The directory's derived values (a token's effective scopes, auth/policy.ts `withCurrentScopes`)
 * last only as long as no record was invalidated: a grant reduction, a disabled integration or a
 * changed environment is never answered from a value derived before it (docs/security.md G-67).
 */
import { describe, expect, it } from 'vitest';
import { Directory } from '../../src/cache/directory.js';
import type { Context } from '../../src/context.js';

describe('Directory derived values', () => {
  const directory = () => new Directory({} as Context);

  it('G-67 a remembered value is answered until any invalidation, then never again', () => {
    const d = directory();
    const key = {};
    d.remember(key, 'effective', d.version);
    expect(d.derived(key)).toBe('effective');
    d.forgetIntegration('int_1');
    expect(d.derived(key)).toBeUndefined();
    d.remember(key, 'again', d.version);
    d.forgetEnvironments();
    expect(d.derived(key)).toBeUndefined();
    d.remember(key, 'once more', d.version);
    d.clear();
    expect(d.derived(key)).toBeUndefined();
  });

  it('G-67 a value derived before an invalidation that raced it is not remembered', () => {
    const d = directory();
    const key = {};
    const before = d.version;
    d.forgetIntegration('int_1');
    d.remember(key, 'stale', before);
    expect(d.derived(key)).toBeUndefined();
  });
});
