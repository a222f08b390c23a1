/**
 * The MCP TypeScript SDK's own clients against the example MCP server and a real Gatehouse
 * (issue 17 Deliver 5a; docs/security.md C-40, C-42, I-85): `ClientCredentialsProvider` (client secret) and
 * `PrivateKeyJwtProvider` (private key) start from the server's URL alone, follow its 401
 * (`resource_metadata`) to the RFC 9728 document, discover Gatehouse (RFC 8414), get a token for
 * the server with `resource` (RFC 8707) and call the tool; a token without `tools:call` gets 403.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair } from 'jose';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider, PrivateKeyJwtProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { settle, startGatehouse, type TestServer } from '@gatehouse/testing/gatehouse';
import { WallClock } from '@gatehouse/testing/wall-clock';
import { createAdmin } from '@gatehouse/testing/admin';
import { signIn } from '../src/admin-session.js';
import { buildMcpApp, TOOLS_SCOPE } from '../src/app.js';
import { createMcpIntegration, registerMcpApi } from '../src/setup.js';

/** Every request the MCP server answered: method, path and status. */
const seen: { method: string; path: string; status: number; authorization?: string }[] = [];

describe('MCP SDK clients against Gatehouse', () => {
  let t: TestServer;
  let http: Server;
  let resource: string;
  let secretClient: { client_id: string; client_secret?: string };
  let keyClient: { client_id: string };
  let readOnlyClient: { client_id: string; client_secret?: string };
  let privateJwk: Record<string, unknown>;

  beforeAll(async () => {
    t = await startGatehouse({ clock: new WallClock() });
    http = createServer();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    resource = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    const app = buildMcpApp({ issuer: t.url, resource, clock: () => t.clock.now() });
    http.on('request', (req, res) => {
      res.on('finish', () =>
        seen.push({
          method: req.method ?? '',
          path: req.url ?? '',
          status: res.statusCode,
          authorization: req.headers.authorization,
        }),
      );
      app(req, res);
    });

    const { email, password } = await createAdmin(t);
    const admin = await signIn(t.url, email, password);
    await registerMcpApi(admin, 'default', resource);
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)) };
    const publicJwk = { ...(await exportJWK(publicKey)), kty: 'EC', kid: 'mcp-key-1', alg: 'ES256', use: 'sig' };
    secretClient = await createMcpIntegration(admin, 'default', resource, [TOOLS_SCOPE]);
    keyClient = await createMcpIntegration(admin, 'default', resource, [TOOLS_SCOPE], { keys: [publicJwk] });
    readOnlyClient = await createMcpIntegration(admin, 'default', resource, ['tools:read']);
    await settle(t);
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    await t?.close();
  });

  /** Connects an MCP client with `provider` from the server URL alone and calls `whoami`. */
  async function callWhoami(provider: OAuthClientProvider): Promise<string> {
    const client = new Client({ name: 'interop-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider }));
    try {
      const tools = await client.listTools();
      expect(tools.tools.map((tool) => tool.name)).toEqual(['whoami']);
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      return (result.content as { type: string; text: string }[])[0]!.text;
    } finally {
      await client.close();
    }
  }

  it('the server answers 401 with resource_metadata; the document names Gatehouse and the scope', async () => {
    const res = await fetch(resource, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    expect(metadataUrl).toBe(resource.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'));
    const metadata = await (await fetch(metadataUrl!)).json();
    expect(metadata).toMatchObject({
      resource,
      authorization_servers: [t.url],
      scopes_supported: [TOOLS_SCOPE],
      bearer_methods_supported: ['header'],
    });
  });

  it('ClientCredentialsProvider (client_secret_basic) discovers Gatehouse from the 401 and calls the tool', async () => {
    seen.length = 0;
    const provider = new ClientCredentialsProvider({
      clientId: secretClient.client_id,
      clientSecret: secretClient.client_secret!,
      expectedIssuer: t.url,
    });
    expect(await callWhoami(provider)).toBe(`hello ${secretClient.client_id}`);
    expect(seen[0]).toMatchObject({ path: '/mcp', status: 401, authorization: undefined });
    expect(seen.some((r) => r.path === '/.well-known/oauth-protected-resource/mcp' && r.status === 200)).toBe(true);
    const token = provider.tokens()!.access_token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: t.url, aud: resource, client_id: secretClient.client_id, scope: TOOLS_SCOPE });
  });

  it('PrivateKeyJwtProvider (private_key_jwt, no secret) discovers Gatehouse and calls the tool', async () => {
    const provider = new PrivateKeyJwtProvider({
      clientId: keyClient.client_id,
      privateKey: privateJwk,
      algorithm: 'ES256',
      expectedIssuer: t.url,
    });
    expect(await callWhoami(provider)).toBe(`hello ${keyClient.client_id}`);
    const claims = JSON.parse(
      Buffer.from(provider.tokens()!.access_token.split('.')[1]!, 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: resource, client_id: keyClient.client_id });
  });

  it('I-85 PrivateKeyJwtProvider with a key the integration never registered gets no token and never reaches the tool', async () => {
    seen.length = 0;
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const provider = new PrivateKeyJwtProvider({
      clientId: keyClient.client_id,
      privateKey: { ...(await exportJWK(privateKey)) },
      algorithm: 'ES256',
      expectedIssuer: t.url,
    });
    await expect(callWhoami(provider)).rejects.toMatchObject({ errorCode: 'invalid_client' });
    expect(provider.tokens()).toBeUndefined();
    expect(seen.filter((r) => r.path === '/mcp').map((r) => r.status)).toEqual([401]);
  });

  it('C-42 an integration without tools:call gets 403 insufficient_scope and no tool call', async () => {
    seen.length = 0;
    const provider = new ClientCredentialsProvider({
      clientId: readOnlyClient.client_id,
      clientSecret: readOnlyClient.client_secret!,
      expectedIssuer: t.url,
    });
    await expect(callWhoami(provider)).rejects.toThrow(/403|insufficient_scope|invalid_scope/i);
    expect(seen.some((r) => r.path === '/mcp' && r.status === 403)).toBe(true);
    expect(seen.some((r) => r.path === '/mcp' && r.status === 200)).toBe(false);
  });

  it('C-40 a token for the Environment API (another audience) is refused 401 invalid_token', async () => {
    const envClient = await t.integration({ preset: 'read-only' });
    await settle(t);
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: envClient.client_id,
      client_secret: envClient.client_secret,
    });
    const token = (
      (await (await fetch(`${t.url}/oauth/token`, { method: 'POST', body: form })).json()) as { access_token: string }
    ).access_token;
    const res = await fetch(resource, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
