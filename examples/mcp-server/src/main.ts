/**
 * Runs the MCP server example: GATEHOUSE_ISSUER (default http://127.0.0.1:4000), HOST
 * (127.0.0.1), PORT (4200), MCP_RESOURCE (default http://HOST:PORT/mcp; register it in Gatehouse
 * as an API audience with the scope `tools:call`).
 * @packageDocumentation
 */
import { buildMcpApp } from './app.js';

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 4200);
const resource = process.env.MCP_RESOURCE ?? `http://${host}:${port}/mcp`;
const app = buildMcpApp({ issuer: process.env.GATEHOUSE_ISSUER ?? 'http://127.0.0.1:4000', resource });
const server = app.listen(port, host, () => console.log(`MCP server at ${resource}`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
