/**
 * docs/security.md I-87: an integration's `jwks_uri` is fetched within bounds. No fetch outside the
 * allowed hosts (private and loopback addresses, by literal or by name), no redirects, 64 KiB and
 * 2 s at most, a cooldown between fetches; every failure is 401 `invalid_client`, never a 5xx.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../src/context.js';
import { createIntegration } from '../src/services/integrations.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { postForm } from '@gatehouse/testing/http';
import { assertion, assertionForm, testKey, type TestKey } from '@gatehouse/testing/assertion';

describe.each(HTTP_STORE_KINDS)('jwks_uri (%s)', (kind) => {
  let t: TestServer;
  let key: TestKey;
  let jwks: Server;
  let base: string;
  let tcp: TcpServer;
  let tcpPort: number;
  let tcpConnections = 0;
  const hits: Record<string, number> = {};

  beforeAll(async () => {
    key = await testKey('ES256');
    jwks = createHttpServer((req, res) => {
      const path = req.url ?? '';
      hits[path] = (hits[path] ?? 0) + 1;
      if (path === '/good')
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] }));
      if (path === '/redirect') return res.writeHead(302, { location: '/good' }).end();
      if (path === '/huge') {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 10 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
          if (sent < 10 * 1024 * 1024) res.once('drain', pump);
          else res.end();
        };
        res.on('error', () => undefined);
        return pump();
      }
      // '/slow': headers, then nothing.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    tcp = createTcpServer((socket) => {
      tcpConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    tcpPort = (tcp.address() as AddressInfo).port;
    // The fetch may take its 2 s: the test server's 1.5 s socket timeout would cut the request first.
    t = await startTestServer(kind, {
      config: { requestTimeoutMs: 5000, jwksUriAllowedHosts: [`127.0.0.1:${(jwks.address() as AddressInfo).port}`] },
    });
  });
  afterAll(async () => {
    await t.close();
    jwks.closeAllConnections();
    await new Promise((resolve) => jwks.close(resolve));
    await new Promise((resolve) => tcp.close(resolve));
  });

  const keyOnly = async (uri: string) =>
    (
      await createIntegration(t.server.runtime.ctx, CLI_ACTOR, 'default', {
        name: 'remote keys',
        preset: 'read-only',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: uri,
      })
    ).client_id;
  const tokenFor = async (clientId: string) =>
    postForm(t.url, assertionForm(await assertion(key, clientId, { now: t.clock.seconds() })));

  it('keys from an allowed jwks_uri authenticate; they are cached, not fetched per request', async () => {
    const clientId = await keyOnly(`${base}/good`);
    expect((await tokenFor(clientId)).status).toBe(200);
    expect((await tokenFor(clientId)).status).toBe(200);
    expect(hits['/good']).toBe(1);
  });

  it('I-87 a jwks_uri on a private or loopback address outside the allowed hosts is never fetched: 401', async () => {
    for (const uri of [
      `https://127.0.0.1:${tcpPort}/jwks`,
      `https://localhost:${tcpPort}/jwks`,
      `https://[::1]:${tcpPort}/jwks`,
    ]) {
      const res = await tokenFor(await keyOnly(uri));
      expect({ uri, status: res.status, error: res.body.error }).toEqual({ uri, status: 401, error: 'invalid_client' });
    }
    expect(tcpConnections).toBe(0);
  });

  it('I-87 plain http outside the allowed hosts is refused at registration', async () => {
    await expect(keyOnly(`http://127.0.0.1:${tcpPort}/jwks`)).rejects.toMatchObject({
      status: 400,
      code: 'invalid_client_metadata',
    });
    await expect(keyOnly('https://user:pw@example.com/jwks')).rejects.toMatchObject({ status: 400 });
  });

  it('I-87 a redirect is not followed: 401', async () => {
    const before = hits['/good'] ?? 0;
    const res = await tokenFor(await keyOnly(`${base}/redirect`));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(hits['/good'] ?? 0).toBe(before);
  });

  it('I-87 a 10 MB body is cut at 64 KiB: 401', async () => {
    const started = Date.now();
    const res = await tokenFor(await keyOnly(`${base}/huge`));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('I-87 a slow server is given 2 s: 401; within the cooldown it is not asked again', async () => {
    const clientId = await keyOnly(`${base}/slow`);
    const started = Date.now();
    const res = await tokenFor(clientId);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - started).toBeLessThan(3500);
    const again = Date.now();
    expect((await tokenFor(clientId)).status).toBe(401);
    expect(Date.now() - again).toBeLessThan(1000);
    expect(hits['/slow']).toBe(1);
  });
});
