/**
 * The whole example in one command, next to a running Gatehouse (`npm start`): signed in as a
 * console administrator, registers the MCP server as an API in Gatehouse (audience = its URL,
 * scope `tools:call`) with an integration allowed to call it, over the management API; starts the
 * MCP server, and has the MCP SDK's own client (`ClientCredentialsProvider`) discover Gatehouse
 * from the server's 401, get a token and call the `whoami` tool. With `--serve` the MCP server
 * keeps running afterwards.
 *
 *   GATEHOUSE_ADMIN_PASSWORD=… npm run demo -w @gatehouse/example-mcp-server -- --email you@example.com [--issuer URL] [--port 4200] [--serve]
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { signIn } from './admin-session.js';
import { buildMcpApp, TOOLS_SCOPE } from './app.js';
import { createMcpIntegration, registerMcpApi } from './setup.js';

const { values } = parseArgs({
  options: {
    email: { type: 'string', default: process.env.GATEHOUSE_ADMIN_EMAIL },
    env: { type: 'string', default: 'default' },
    issuer: { type: 'string', default: process.env.GATEHOUSE_ISSUER ?? 'http://127.0.0.1:4000' },
    port: { type: 'string', default: process.env.PORT ?? '4200' },
    serve: { type: 'boolean', default: false },
  },
});

const resource = `http://127.0.0.1:${values.port}/mcp`;
const password = process.env.GATEHOUSE_ADMIN_PASSWORD;
if (!values.email || !password) {
  console.error('give the administrator: --email (or GATEHOUSE_ADMIN_EMAIL) and GATEHOUSE_ADMIN_PASSWORD');
  process.exit(2);
}
const admin = await signIn(values.issuer, values.email, password);
await registerMcpApi(admin, values.env, resource);
const credentials = await createMcpIntegration(admin, values.env, resource, [TOOLS_SCOPE]);
await admin.call('DELETE', '/session');
console.log(`registered API ${resource} (scope ${TOOLS_SCOPE}) and integration ${credentials.client_id}`);

const server = buildMcpApp({ issuer: values.issuer, resource }).listen(Number(values.port), '127.0.0.1');
await new Promise<void>((done) => server.once('listening', done));
await sleep(1000); // every worker of a clustered Gatehouse has applied the new API and integration (change poll)

const client = new Client({ name: 'gatehouse-mcp-demo', version: '0.1.0' });
const authProvider = new ClientCredentialsProvider({
  clientId: credentials.client_id,
  clientSecret: credentials.client_secret ?? '',
  expectedIssuer: values.issuer,
});
await client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider }));
const { tools } = await client.listTools();
const result = await client.callTool({ name: 'whoami', arguments: {} });
console.log(`tools: ${tools.map((t) => t.name).join(', ')}`);
console.log(`whoami → ${JSON.stringify(result.content)}`);
await client.close();

if (values.serve) {
  console.log(
    `MCP server at ${resource}; client_id=${credentials.client_id} client_secret=${credentials.client_secret ?? ''}`,
  );
} else {
  server.close();
}
