/** Pure parts of the console: permission summaries and the "Try it" snippets. */
import { describe, expect, it } from 'vitest';
import { permissionSummary, readOnlyScopes } from '../../src/components/permission-summary.js';
import { snippets } from '../../src/components/token-snippets.js';
import { parsePastedJwks } from '../../src/components/parse-jwks.js';

const ALL = [
  'projects:read',
  'projects:write',
  'media:read',
  'media:write',
  'outputs:create',
  'customers:read',
  'integrations:secrets',
];

describe('console helpers', () => {
  it('summarises permissions by preset', () => {
    expect(readOnlyScopes(ALL)).toEqual(['projects:read', 'media:read']);
    expect(permissionSummary([], ALL)).toBe('No permissions');
    expect(permissionSummary(ALL.filter((s) => s !== 'integrations:secrets').reverse(), ALL)).toBe('All permissions');
    expect(permissionSummary([...ALL], ALL)).toBe('All permissions and secrets');
    expect(permissionSummary(['media:read', 'projects:read'], ALL)).toBe('Read-only');
    expect(permissionSummary(['media:read', 'projects:read', 'customers:read'], ALL)).toBe('3 of 7 permissions');
    expect(permissionSummary(['media:read'], ALL)).toBe('1 of 7 permissions');
  });

  it('fills the client ID and endpoint into every snippet, never a secret', () => {
    const s = snippets('https://auth.example/oauth/token', 'abc123', 'https://api.example');
    for (const text of Object.values(s)) {
      expect(text).toContain('https://auth.example/oauth/token');
      expect(text).toContain('abc123');
      expect(text).toContain('<CLIENT_SECRET>');
      expect(text).toContain('https://api.example');
    }
    expect(s.curl).toContain("--data-urlencode 'grant_type=client_credentials'");
    expect(s.python).toContain("'client_id': 'abc123'");
    expect(snippets('https://a/t', 'x').node).not.toContain('audience');
  });

  it('reads a pasted JWK or JWKS; refuses PEM, empty sets, too many keys and keys without kty', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', alg: 'ES256' };
    expect(parsePastedJwks(JSON.stringify(jwk))).toEqual([jwk]);
    expect(parsePastedJwks(JSON.stringify({ keys: [jwk, { ...jwk, kid: 'k2' }] }))).toHaveLength(2);
    expect(() => parsePastedJwks('-----BEGIN PUBLIC KEY-----')).toThrow(/PEM is not accepted/);
    expect(() => parsePastedJwks('[1]')).toThrow(/JSON object/);
    expect(() => parsePastedJwks('{"keys":[]}')).toThrow(/no key/);
    expect(() => parsePastedJwks(JSON.stringify({ keys: Array(6).fill(jwk) }))).toThrow(/At most 5/);
    expect(() => parsePastedJwks('{"crv":"P-256"}')).toThrow(/kty/);
  });
});
