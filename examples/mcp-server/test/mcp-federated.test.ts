/**
 * The MCP TypeScript SDK's `StaticPrivateKeyJwtProvider` (a pre-built JWT as `client_assertion`, the
 * shape the MCP authorization extensions use for workload identity) with a platform token from a
 * Kubernetes-shaped issuer (issue #26): from the MCP server's URL alone it discovers Gatehouse, gets
 * a token for an integration that holds only a federated credential (no secret, no key), and calls
 * the tool on examples/mcp-server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair } from 'jose';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StaticPrivateKeyJwtProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { settle, startGatehouse, type TestServer } from '@gatehouse/testing/gatehouse';
import { WallClock } from '@gatehouse/testing/wall-clock';
import { createAdmin } from '@gatehouse/testing/admin';
import { startPlatformIssuer, type PlatformIssuer } from '@gatehouse/testing/platform-issuer';
import { signIn } from '../src/admin-session.js';
import { buildMcpApp, TOOLS_SCOPE } from '../src/app.js';
import { createMcpIntegration, registerMcpApi } from '../src/setup.js';

describe('MCP StaticPrivateKeyJwtProvider with a federated platform token', () => {
  let t: TestServer;
  let k8s: PlatformIssuer;
  let http: Server;
  let resource: string;
  let workload: { client_id: string };

  beforeAll(async () => {
    k8s = await startPlatformIssuer();
    t = await startGatehouse({ clock: new WallClock(), config: { jwksUriAllowedHosts: [k8s.host] } });
    http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    resource = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    http.on('request', buildMcpApp({ issuer: t.url, resource, clock: () => t.clock.now() }));

    const { email, password } = await createAdmin(t);
    const admin = await signIn(t.url, email, password);
    await registerMcpApi(admin, 'default', resource);
    // A key-only integration whose key is then removed: it holds only its federated credential.
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kty: 'EC', kid: 'bootstrap', alg: 'ES256', use: 'sig' };
    workload = await createMcpIntegration(admin, 'default', resource, [TOOLS_SCOPE], { keys: [jwk] });
    const base = `/environments/default/integrations/${workload.client_id}`;
    await admin.call('POST', `${base}/federated-credentials`, {
      issuer: k8s.issuer,
      subject: 'system:serviceaccount:agents:mcp-caller',
      claims: { 'kubernetes.io.namespace': 'agents' },
    });
    await admin.call('DELETE', `${base}/keys/bootstrap`);
    await settle(t);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    await t?.close();
    await k8s?.close();
  });

  it('gets a token with the platform token as its static assertion and calls the tool', async () => {
    const platformToken = await k8s.serviceAccountToken('agents', 'mcp-caller', t.url, Math.floor(Date.now() / 1000));
    const provider = new StaticPrivateKeyJwtProvider({
      clientId: workload.client_id,
      jwtBearerAssertion: platformToken,
      expectedIssuer: t.url,
    });
    const client = new Client({ name: 'federated-interop', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider }));
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect((result.content as { text: string }[])[0]!.text).toBe(`hello ${workload.client_id}`);
    } finally {
      await client.close();
    }
    const claims = JSON.parse(Buffer.from(provider.tokens()!.access_token.split('.')[1]!, 'base64url').toString()) as {
      aud?: unknown;
      client_id?: unknown;
    };
    expect(claims).toMatchObject({ aud: resource, client_id: workload.client_id });
  });
});
