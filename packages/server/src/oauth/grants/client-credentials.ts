/**
 * The `client_credentials` grant (RFC 6749 §4.4) with `audience`/`resource` (RFC 8707) and
 * `scope` downscoping.
 * @packageDocumentation
 */
import type { TokenResponse } from '@gatehouse/contracts';
import { InvalidRequest, InvalidScope, InvalidTarget } from '../../errors/oauth-error.js';
import type { ApiRecord, EnvironmentRecord } from '../../store/repositories/environments.js';
import type { ClientRecord } from '../../store/repositories/integrations.js';
import type { Grant, GrantContext } from './grant.js';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Which API the token is for: `audience` or `resource` (equal when both are sent); absent means
 * the Environment API.
 * @throws InvalidTarget for an unknown API or one the client holds no grant on (docs/security.md B-22).
 */
export function resolveAudience(
  env: EnvironmentRecord,
  client: ClientRecord,
  params: Readonly<Record<string, string>>,
): ApiRecord {
  const { audience, resource } = params;
  if (audience !== undefined && resource !== undefined && audience !== resource)
    throw new InvalidTarget('audience and resource name different APIs');
  const requested = audience || resource;
  const api = requested ? env.apiByAudience.get(requested) : env.environmentApi;
  if (!api || !client.grants.get(api.id)?.size)
    throw new InvalidTarget('the requested audience is unknown or not granted to this client');
  return api;
}

/**
 * The scopes of the token, in the API's canonical order. Absent or empty `scope` means every
 * granted scope (RFC 6749 §3.3); anything unknown or not granted is refused, never dropped.
 * @throws InvalidScope
 */
export function resolveScopes(api: ApiRecord, client: ClientRecord, scope: string | undefined): string[] {
  const granted = client.grants.get(api.id)!;
  if (scope === undefined || scope === '') return api.scopes.map((s) => s.value).filter((v) => granted.has(v));
  const requested = new Set<string>();
  for (const token of scope.split(' ')) {
    if (!SCOPE_TOKEN.test(token)) throw new InvalidScope('scope is malformed');
    if (!granted.has(token))
      throw new InvalidScope(`scope ${JSON.stringify(token.slice(0, 100))} is unknown or not granted`);
    requested.add(token);
  }
  return api.scopes.map((s) => s.value).filter((v) => requested.has(v));
}

/** The `client_credentials` grant handler. */
export const clientCredentials: Grant = {
  grantType: 'client_credentials',
  async handler({ env, client, params, issuer, actor, jkt }: GrantContext): Promise<TokenResponse> {
    if (params.scope !== undefined && params.scope.length > 4096) throw new InvalidRequest('scope is too long');
    const api = resolveAudience(env, client, params);
    const scopes = resolveScopes(api, client, params.scope);
    const issued = await issuer.issue(env, client, api, scopes, actor, jkt);
    return {
      access_token: issued.accessToken,
      token_type: jkt ? 'DPoP' : 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.scope,
    };
  },
};
