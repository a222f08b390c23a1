/**
 * The MCP server example: one tool (`whoami`) over the MCP SDK's Streamable HTTP transport
 * (stateless), protected by Gatehouse access tokens, and the RFC 9728 document that tells clients
 * where to get them.
 * @packageDocumentation
 */
import express, { type Express } from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { createVerifier, type Clock } from '@gatehouse/client';
import { requireGatehouseToken } from './bearer.js';

/** The scope the `whoami` tool needs; register it on the API whose audience is the server's URL. */
export const TOOLS_SCOPE = 'tools:call';

/** Scopes of the MCP server's API in Gatehouse (what `scopes_supported` lists). */
export const MCP_API_SCOPES = [
  { value: TOOLS_SCOPE, description: 'Call the tools of the example MCP server' },
  { value: 'tools:read', description: 'Reserved: read-only tools' },
] as const;

/** Options of {@link buildMcpApp}. */
export interface McpAppOptions {
  /** Gatehouse issuer URL (token `iss`; the `authorization_servers` entry). */
  issuer: string;
  /** The MCP endpoint's absolute URL, e.g. `http://127.0.0.1:4200/mcp`: the RFC 9728 `resource` and the tokens' audience. */
  resource: string;
  /** Current time in ms for token checks (default `Date.now`). */
  clock?: Clock;
}

/** The tool server of one request: `whoami` answers with the calling integration. */
function toolServer(): McpServer {
  const server = new McpServer({ name: 'gatehouse-example', version: '0.1.0' });
  server.registerTool('whoami', { description: 'Says which Gatehouse integration is calling' }, (extra) => ({
    content: [{ type: 'text', text: `hello ${extra.authInfo?.clientId ?? 'nobody'}` }],
  }));
  return server;
}

/**
 * Builds the express app: `POST /mcp` (bearer check, then MCP JSON-RPC; `GET`/`DELETE` → 405 since
 * the server keeps no sessions) and `GET /.well-known/oauth-protected-resource/mcp` (RFC 9728 §3.1,
 * path-suffixed: `resource`, `authorization_servers`, `scopes_supported`, `bearer_methods_supported`).
 */
export function buildMcpApp(options: McpAppOptions): Express {
  const resource = new URL(options.resource);
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(resource);
  const verifier = createVerifier({
    issuer: options.issuer,
    audience: options.resource,
    realm: 'mcp',
    ...(options.clock && { clock: options.clock }),
  });
  const metadata = {
    resource: options.resource,
    authorization_servers: [options.issuer],
    scopes_supported: [TOOLS_SCOPE],
    bearer_methods_supported: ['header'],
    resource_name: 'Gatehouse example MCP server',
  };

  const app = express();
  app.disable('x-powered-by');
  app.get(new URL(resourceMetadataUrl).pathname, (_req, res) => {
    res.set('cache-control', 'public, max-age=300').json(metadata);
  });
  const bearer = requireGatehouseToken(verifier, {
    scopes: [TOOLS_SCOPE],
    resourceMetadataUrl,
    resource: options.resource,
  });
  app.post(resource.pathname, bearer, express.json({ limit: '64kb' }), async (req, res) => {
    const server = toolServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  app.all(resource.pathname, (_req, res) => {
    res
      .status(405)
      .set('allow', 'POST')
      .json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
  });
  return app;
}
