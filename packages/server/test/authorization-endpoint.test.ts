/**
 * The advertised authorization endpoint (RFC 8414 §2): clients such as the MCP SDK's refuse
 * metadata without one, so Gatehouse names an endpoint that supports no response type and
 * answers RFC 6749 §4.1.2.1 `unsupported_response_type` without redirecting anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { ISSUER, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request } from '@gatehouse/testing/http';

describe.each(HTTP_STORE_KINDS)('authorization endpoint (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.close());

  it('metadata names it with no response type; it refuses every request with 400 unsupported_response_type and no redirect', async () => {
    const meta = await request(`${t.url}/.well-known/oauth-authorization-server`);
    expect(meta.body).toMatchObject({
      authorization_endpoint: `${ISSUER}/oauth/authorize`,
      response_types_supported: [],
    });
    for (const query of [
      '',
      '?response_type=code&client_id=x&redirect_uri=https%3A%2F%2Fevil.test%2Fcb&state=s',
      '?response_type=token',
    ]) {
      const res = await request(`${t.url}/oauth/authorize${query}`, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unsupported_response_type');
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });
});
