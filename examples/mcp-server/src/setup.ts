/**
 * Registering the MCP server in Gatehouse as an API (audience = the MCP endpoint's URL) and
 * integrations allowed to call it, over Gatehouse's management API as a signed-in administrator.
 * @packageDocumentation
 */
import type { AdminSession } from './admin-session.js';
import { MCP_API_SCOPES } from './app.js';

const path = (environment: string, rest: string) => `/environments/${encodeURIComponent(environment)}/${rest}`;

/** A public JWK Set (RFC 7517 §5) for a key-only integration. */
export interface PublicJwks {
  keys: Record<string, unknown>[];
}

/**
 * Registers the MCP server's API (audience `resource`, scopes {@link MCP_API_SCOPES}) in
 * `environment` unless it is there already.
 * @throws Error with Gatehouse's answer, e.g. 404 for an unknown environment.
 */
export async function registerMcpApi(admin: AdminSession, environment: string, resource: string): Promise<void> {
  const existing = await admin.call<{ items: { audience: string }[] }>('GET', path(environment, 'apis'));
  if (!existing.items.some((api) => api.audience === resource)) {
    await admin.call('POST', path(environment, 'apis'), {
      name: 'MCP example',
      audience: resource,
      scopes: MCP_API_SCOPES.map((s) => ({ ...s })),
    });
  }
}

/**
 * Creates an integration granted `scopes` on the MCP server's API only. With `jwks` it is
 * key-only (`private_key_jwt`, no secret); otherwise it gets a secret.
 * @returns its `client_id` and, for a secret integration, `client_secret` (shown this once).
 * @throws Error with Gatehouse's answer, e.g. 400 for a scope the API doesn't have.
 */
export async function createMcpIntegration(
  admin: AdminSession,
  environment: string,
  resource: string,
  scopes: readonly string[],
  jwks?: PublicJwks,
): Promise<{ client_id: string; client_secret?: string }> {
  const created = await admin.call<{ client_id: string; client_secret?: string | null }>(
    'POST',
    path(environment, 'integrations'),
    {
      name: `mcp (${scopes.join(' ')})`,
      grants: [{ audience: resource, scopes: [...scopes] }],
      ...(jwks && { token_endpoint_auth_method: 'private_key_jwt', jwks }),
    },
  );
  return { client_id: created.client_id, ...(created.client_secret && { client_secret: created.client_secret }) };
}
