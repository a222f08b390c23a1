/** Pure parts of the console: permission summaries and the "Try it" snippets. */
import { describe, expect, it } from 'vitest';
import { grantsSummary, permissionSummary, readOnlyScopes } from '../../src/components/permission-summary.js';
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
    const target = {
      issuer: 'https://auth.example',
      tokenEndpoint: 'https://auth.example/oauth/token',
      keyOnly: false,
    };
    const s = snippets({ ...target, clientId: 'abc123', audience: 'https://api.example' });
    for (const text of Object.values(s)) {
      expect(text).toContain('https://auth.example/oauth/token');
      expect(text).toContain('abc123');
      expect(text).toContain('<CLIENT_SECRET>');
      expect(text).toContain('https://api.example');
    }
    expect(s.curl).toContain("--data-urlencode 'grant_type=client_credentials'");
    expect(s.python).toContain("'client_id': 'abc123'");
    expect(snippets({ ...target, clientId: 'x' }).node).not.toContain('audience');
  });

  it('gives a key-only integration private_key_jwt snippets: no client_secret, a signed assertion, SDK and authlib', () => {
    const s = snippets({
      issuer: 'https://auth.example',
      tokenEndpoint: 'https://auth.example/oauth/token',
      clientId: 'abc123',
      keyOnly: true,
    });
    for (const text of Object.values(s)) {
      expect(text).not.toMatch(/client_secret|CLIENT_SECRET/);
      expect(text).toContain('abc123');
      expect(text).toContain('<KEY_ID>');
    }
    expect(s.curl).toContain('client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(s.curl).toContain('jwt.encode(');
    expect(s.curl).toContain("'aud': 'https://auth.example'");
    expect(s.node).toContain("from '@gatehouse/client'");
    expect(s.node).toContain('privateKey:');
    expect(s.python).toContain('PrivateKeyJWT(token_endpoint');
  });

  it('summarises grants on every API: tenant-API scopes alone are not "No permissions"', () => {
    const apis = [
      { audience: 'env', name: 'Environment API', built_in: true, scopes: ALL.map((value) => ({ value })) },
      {
        audience: 'inv',
        name: 'Invoices',
        built_in: false,
        scopes: [{ value: 'invoices:read' }, { value: 'invoices:write' }],
      },
    ];
    expect(grantsSummary([], apis)).toBe('No permissions');
    expect(grantsSummary([{ audience: 'inv', scopes: ['invoices:read'] }], apis)).toBe('Invoices: 1 of 2');
    expect(
      grantsSummary(
        [
          { audience: 'inv', scopes: ['invoices:read', 'invoices:write'] },
          { audience: 'env', scopes: ['projects:read', 'media:read'] },
        ],
        apis,
      ),
    ).toBe('Read-only · Invoices: all');
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
