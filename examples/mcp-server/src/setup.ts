/**
 * Registering the MCP server in Gatehouse as an API (audience = the MCP endpoint's URL) and
 * integrations allowed to call it, through the server's services (what the CLI does).
 * @packageDocumentation
 */
import { apis, CLI_ACTOR, integrations, type Context } from '@gatehouse/server';
import { MCP_API_SCOPES } from './app.js';

/**
 * Registers the MCP server's API (audience `resource`, scopes {@link MCP_API_SCOPES}) in
 * `environment` unless it is there already.
 * @throws the server's `NotFound` for an unknown environment.
 */
export async function registerMcpApi(ctx: Context, environment: string, resource: string): Promise<void> {
  const existing = await apis.listApis(ctx, environment);
  if (!existing.some((api) => api.audience === resource)) {
    await apis.createApi(ctx, CLI_ACTOR, environment, { name: 'MCP example', audience: resource, scopes: MCP_API_SCOPES.map((s) => ({ ...s })) });
  }
}

/**
 * Creates an integration granted `scopes` on the MCP server's API only. With `jwks` it is
 * key-only (`private_key_jwt`, no secret); otherwise it gets a secret.
 * @returns its `client_id` and, for a secret integration, `client_secret` (shown this once).
 */
export async function createMcpIntegration(
  ctx: Context,
  environment: string,
  resource: string,
  scopes: readonly string[],
  jwks?: Parameters<typeof integrations.createIntegration>[3]['jwks'],
): Promise<{ client_id: string; client_secret?: string }> {
  const created = await integrations.createIntegration(ctx, CLI_ACTOR, environment, {
    name: `mcp (${scopes.join(' ')})`,
    grants: [{ audience: resource, scopes: [...scopes] }],
    ...(jwks && { token_endpoint_auth_method: 'private_key_jwt' as const, jwks }),
  });
  return { client_id: created.client_id, ...(created.client_secret && { client_secret: created.client_secret }) };
}
