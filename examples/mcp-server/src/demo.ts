/**
 * The whole example in one command, next to a running Gatehouse (`npm start`): registers the MCP
 * server as an API in Gatehouse's store (audience = its URL, scope `tools:call`) with an
 * integration allowed to call it, starts the MCP server, and has the MCP SDK's own client
 * (`ClientCredentialsProvider`) discover Gatehouse from the server's 401, get a token and call the
 * `whoami` tool. With `--serve` the MCP server keeps running afterwards.
 *
 *   npm run demo -w @gatehouse/example-mcp-server -- --data ./data [--issuer URL] [--port 4200] [--serve]
 * @packageDocumentation
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, openContext } from '@gatehouse/server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { buildMcpApp, TOOLS_SCOPE } from './app.js';
import { createMcpIntegration, registerMcpApi } from './setup.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.GATEHOUSE_DATA_DIR ?? 'data' },
    'database-url': { type: 'string' },
    env: { type: 'string', default: 'default' },
    issuer: { type: 'string', default: process.env.GATEHOUSE_ISSUER ?? 'http://127.0.0.1:4000' },
    port: { type: 'string', default: process.env.PORT ?? '4200' },
    serve: { type: 'boolean', default: false },
  },
});

const resource = `http://127.0.0.1:${values.port}/mcp`;
// npm runs workspace scripts in the workspace folder; a relative --data means the caller's folder.
const dataDir = resolve(process.env.INIT_CWD ?? process.cwd(), values.data);
const ctx = await openContext(loadConfig({ dataDir, ...(values['database-url'] && { databaseUrl: values['database-url'] }) }));
let credentials: { client_id: string; client_secret?: string };
try {
  await registerMcpApi(ctx, values.env, resource);
  credentials = await createMcpIntegration(ctx, values.env, resource, [TOOLS_SCOPE]);
} finally {
  await ctx.store.close();
}
console.log(`registered API ${resource} (scope ${TOOLS_SCOPE}) and integration ${credentials.client_id}`);

const server = buildMcpApp({ issuer: values.issuer, resource }).listen(Number(values.port), '127.0.0.1');
await new Promise<void>((done) => server.once('listening', done));
await sleep(1000); // the running Gatehouse notices the new API and integration (change poll)

const client = new Client({ name: 'gatehouse-mcp-demo', version: '0.1.0' });
const authProvider = new ClientCredentialsProvider({ clientId: credentials.client_id, clientSecret: credentials.client_secret ?? '', expectedIssuer: values.issuer });
await client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider }));
const { tools } = await client.listTools();
const result = await client.callTool({ name: 'whoami', arguments: {} });
console.log(`tools: ${tools.map((t) => t.name).join(', ')}`);
console.log(`whoami → ${JSON.stringify(result.content)}`);
await client.close();

if (values.serve) {
  console.log(`MCP server at ${resource}; client_id=${credentials.client_id} client_secret=${credentials.client_secret ?? ''}`);
} else {
  server.close();
}
