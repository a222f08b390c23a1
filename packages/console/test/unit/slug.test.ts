/** The slug suggested from an environment's name always passes the server's own slug rule. */
import { describe, expect, it } from 'vitest';
import { EnvironmentCreate } from '@gatehouse/contracts';
import { SLUG_MAX_LENGTH, SLUG_PATTERN, suggestSlug } from '../../src/components/slug.js';

describe('suggestSlug', () => {
  it('makes kebab-case from a name: accents dropped, other characters one dash, no dash at the ends', () => {
    expect(suggestSlug('Staging (EU)')).toBe('staging-eu');
    expect(suggestSlug('  Café Crème — Prod  ')).toBe('cafe-creme-prod');
    expect(suggestSlug('ACME 2027')).toBe('acme-2027');
    expect(suggestSlug('--already-a-slug--')).toBe('already-a-slug');
  });

  it('is bounded to the server rule (2 to 63 characters) or empty when no slug can be made', () => {
    const long = suggestSlug('Very long environment name '.repeat(10));
    expect(long.length).toBeLessThanOrEqual(SLUG_MAX_LENGTH);
    expect(long).toMatch(SLUG_PATTERN);
    expect(long.endsWith('-')).toBe(false);
    expect(suggestSlug('x')).toBe('');
    expect(suggestSlug('日本')).toBe('');
    expect(suggestSlug('')).toBe('');
    // The console's rule is the server's (the contract of POST /api/v1/environments).
    expect(SLUG_PATTERN.source).toBe(EnvironmentCreate.properties.slug.pattern);
  });
});
