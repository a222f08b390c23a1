/**
 * RFC 9728 protected resource metadata of the Environment API, served at the URL derived from the
 * resource identifier (`GATEHOUSE_AUDIENCE`), path included (§3.1), with `resource` equal to it
 * (§3.3), and named by `resource_metadata` in every 401 challenge (§5.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceMetadataUrl } from '../src/oauth/protected-resource.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { ISSUER, startTestServer, type TestServer } from '@gatehouse/testing/server';

describe('resourceMetadataUrl (RFC 9728 §3.1)', () => {
  it.each([
    ['https://api.example.com', 'https://api.example.com/.well-known/oauth-protected-resource'],
    ['https://api.example.com/', 'https://api.example.com/.well-known/oauth-protected-resource'],
    ['https://example.com/api/v1', 'https://example.com/.well-known/oauth-protected-resource/api/v1'],
    ['https://example.com/api/v1/', 'https://example.com/.well-known/oauth-protected-resource/api/v1'],
    [
      'https://example.com:8443/api?tenant=a',
      'https://example.com:8443/.well-known/oauth-protected-resource/api?tenant=a',
    ],
  ])('%s → %s', (audience, url) => expect(resourceMetadataUrl({ audience })).toBe(url));
});

const CASES = [
  { audience: ISSUER, path: '/.well-known/oauth-protected-resource', elsewhere: [] },
  {
    audience: `${ISSUER}/api/v1`,
    path: '/.well-known/oauth-protected-resource/api/v1',
    // The origin's metadata would name another resource than the audience: a strict client discards it (§3.3).
    elsewhere: ['/.well-known/oauth-protected-resource'],
  },
];

describe.each(HTTP_STORE_KINDS)('protected resource metadata (%s)', (kind) => {
  describe.each(CASES)('with GATEHOUSE_AUDIENCE=$audience', ({ audience, path, elsewhere }) => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(kind, { config: { audience } });
    });
    afterAll(() => t.close());
    const metadataUrl = `${ISSUER}${path}`;

    it('serves the metadata at the URL derived from the audience, `resource` being the audience', async () => {
      const res = await t.server.app.inject({ method: 'GET', url: path });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ resource: audience, authorization_servers: [ISSUER] });
      for (const other of elsewhere)
        expect((await t.server.app.inject({ method: 'GET', url: other })).statusCode).toBe(404);
    });

    it('every 401 challenge of the Environment API names that URL', async () => {
      const c = await t.integration({ preset: 'read-only' });
      const minted = await t.server.app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret },
      });
      expect(minted.statusCode).toBe(200);
      const valid = String(minted.json().access_token);
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer not-a-token' },
        { authorization: `Bearer ${valid.slice(0, -4)}AAAA` },
        { authorization: `DPoP ${valid}` },
      ];
      for (const headers of attempts) {
        for (const url of ['/api/v1/self', '/api/v1/environments/default/media']) {
          const res = await t.server.app.inject({ method: 'GET', url, headers });
          expect(res.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(401);
          expect(res.headers['www-authenticate']).toContain(`resource_metadata="${metadataUrl}"`);
        }
      }
    });
  });
});
