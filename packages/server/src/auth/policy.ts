/**
 * The authorization policy of Gatehouse's own APIs, in one place (docs/product.md "Authorization
 * follows the current state"):
 * - an integration's effective scopes are its token's scopes intersected with its grants *now*;
 * - a bearer caller acts on another integration only if that integration's grants are a subset
 *   of the caller's effective scopes, and grants only within them;
 * - another integration's secret is handed out only to a holder of `integrations:secrets`; an
 *   integration may always rotate its own;
 * - customers hold content scopes only, whatever the environment's settings say;
 * - an integration that requires DPoP is served only with DPoP-bound tokens (RFC 9449 §5.2).
 * Console operators may do everything. Members of an environment may what their role's
 * capabilities allow there (docs/product.md "Delegated administration"; see {@link ROLE_CAPABILITIES}
 * and {@link routeCapability}). Routes and services ask this module; none decides alone.
 * @packageDocumentation
 */
import { CONTENT_SCOPES, SECRETS_SCOPE } from '@gatehouse/contracts';
import { InsufficientScope, InvalidToken } from '../errors/api-error.js';
import { OAuthError } from '../errors/oauth-error.js';
import { Conflict, DomainError, Forbidden } from '../errors/domain-errors.js';
import { memberGrantLimit, requireRouteCapability } from './role-policy.js';
import type { ApiRecord, EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import type { BearerPrincipal, IntegrationPrincipal, Principal } from './principal.js';
export * from './role-policy.js';

/** Scopes per API id. */
export type GrantMap = ReadonlyMap<string, ReadonlySet<string>>;

/** What the policy reads of the current state: cached records the change feed keeps fresh (≤ 1 s). */
export interface CurrentState {
  client(clientId: string): Promise<ClientRecord | undefined>;
  environment(by: 'id', id: string): Promise<EnvironmentRecord | undefined>;
}

const CONTENT = new Set(CONTENT_SCOPES);

/**
 * The scopes a token still carries: those of `tokenScopes` that `client` is granted on `api` now.
 * @param tokenScopes the token's `scope` claim, split.
 * @returns a new set, empty when the client holds nothing on `api` any more.
 */
export function effectiveScopes(tokenScopes: Iterable<string>, client: ClientRecord, api: ApiRecord): Set<string> {
  const granted = client.grants.get(api.id);
  const out = new Set<string>();
  if (!granted) return out;
  for (const s of tokenScopes) if (granted.has(s)) out.add(s);
  return out;
}

/** The content scopes among `scopes`: all a customer (an end user's token) may ever hold. */
export function customerScopes(scopes: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const s of scopes) if (CONTENT.has(s)) out.add(s);
  return out;
}

/**
 * The principal with its scopes as of now: for an integration, its token's scopes intersected
 * with its current Environment API grants; the integration must still exist, be enabled and
 * belong to the token's environment, and if it requires DPoP the token must be DPoP-bound (its
 * key was already checked against the request's proof). Read from the in-memory directory.
 * @throws InvalidToken (401) when the integration is gone, disabled or moved, or for an unbound
 *   token of an integration that requires DPoP (docs/security.md I-89).
 */
export async function withCurrentScopes(state: CurrentState, principal: BearerPrincipal): Promise<BearerPrincipal> {
  if (principal.type === 'customer') {
    if (!principal.actorClientId) return { ...principal, scopes: customerScopes(principal.scopes) };
    // Exchanged for a customer: its content scopes the environment still gives customers, within
    // what the acting integration holds now (docs/security.md M-117).
    const { actor, env } = await actingClient(state, principal.actorClientId, principal.environmentId);
    if (actor.dpopBound && !principal.jkt) throw new InvalidToken('this integration requires DPoP-bound tokens');
    const current = new Set(env.customerScopes);
    const scopes = effectiveScopes(customerScopes(principal.scopes), actor, env.environmentApi);
    for (const s of scopes) if (!current.has(s)) scopes.delete(s);
    return { ...principal, scopes };
  }
  if (principal.type !== 'integration') return principal;
  const client = await state.client(principal.clientId);
  const env = client && (await state.environment('id', client.environmentId));
  if (!client || !env || !client.enabled || client.id !== principal.integrationId || env.id !== principal.environmentId)
    throw new InvalidToken();
  const scopes = effectiveScopes(principal.tokenScopes, client, env.environmentApi);
  if (!principal.actorClientId) {
    if (client.dpopBound && !principal.jkt) throw new InvalidToken('this integration requires DPoP-bound tokens');
    return { ...principal, scopes };
  }
  // Exchanged for an integration: within its grants now and the acting integration's (M-117).
  const { actor } = await actingClient(state, principal.actorClientId, principal.environmentId);
  if (actor.dpopBound && !principal.jkt) throw new InvalidToken('this integration requires DPoP-bound tokens');
  return { ...principal, scopes: effectiveScopes(scopes, actor, env.environmentApi) };
}

/**
 * The integration acting through an exchanged token, as it is now, and its environment.
 * @throws InvalidToken when it is gone, disabled or moved.
 */
async function actingClient(
  state: CurrentState,
  clientId: string,
  environmentId: string,
): Promise<{ actor: ClientRecord; env: EnvironmentRecord }> {
  const actor = await state.client(clientId);
  const env = actor && (await state.environment('id', actor.environmentId));
  if (!actor || !env || !actor.enabled || env.id !== environmentId) throw new InvalidToken();
  return { actor, env };
}

/**
 * Checks that `principal` holds `scope` now (console operators hold every scope).
 * @throws InsufficientScope (403, RFC 6750 §3.1) naming the scope.
 */
export function requireScope(principal: Principal, scope: string): void {
  if (principal.type === 'console') return;
  if (principal.type === 'account' || !principal.scopes.has(scope)) throw new InsufficientScope(scope);
}

/**
 * What `principal` may grant and act on in `env`: undefined (no limit) for a console operator;
 * for an integration, its effective Environment API scopes; nothing for other principals.
 */
export function grantLimit(principal: Principal, env: EnvironmentRecord): GrantMap | undefined {
  if (principal.type === 'console') return undefined;
  if (principal.type === 'member') return memberGrantLimit(principal, env);
  if (principal.type !== 'integration' || principal.environmentId !== env.id) return new Map();
  return new Map([[env.environmentApi.id, principal.scopes]]);
}

/**
 * Checks that every scope of `grants` lies within `limit` (undefined: no limit).
 * @throws InsufficientScope (403) naming the first scope beyond it.
 */
export function requireWithin(limit: GrantMap | undefined, grants: GrantMap): void {
  if (!limit) return;
  for (const [apiId, scopes] of grants)
    for (const s of scopes) if (!limit.get(apiId)?.has(s)) throw new InsufficientScope(s);
}

/**
 * Checks that `principal` may change, disable, delete or revoke the tokens of `target`: the
 * target's grants (on every API) must lie within the caller's effective scopes (docs/security.md G-69).
 * @throws InsufficientScope (403) naming a scope the target holds and the caller does not.
 */
export function requireManageable(principal: Principal, env: EnvironmentRecord, target: ClientRecord): void {
  const limit = grantLimit(principal, env);
  if (!limit) return;
  for (const [apiId, scopes] of target.grants)
    for (const s of scopes)
      if (!limit.get(apiId)?.has(s))
        throw new InsufficientScope(
          s,
          principal.type === 'member' && principal.role === 'developer'
            ? `a developer manages only integrations with content scopes, and this one holds ${s}`
            : `this integration holds ${s}, beyond what you may manage`,
        );
}

/**
 * Whether `principal` rotates its own secret (`self`) or another's (`other`; operators always
 * `other`). Only the scopes are checked here, before the body is read: an integration may always
 * rotate its own secret; another's needs `integrations:write` and `integrations:secrets`
 * (docs/security.md G-70), and the target must be manageable ({@link requireManageable}).
 * @throws InsufficientScope (403).
 */
export function secretRotationKind(principal: Principal, targetClientId: string): 'self' | 'other' {
  if (principal.type === 'integration' && principal.clientId === targetClientId) return 'self';
  requireScope(principal, 'integrations:write');
  requireScope(principal, SECRETS_SCOPE);
  return 'other';
}

/** True when `principal` is the integration `target` itself. */
export function isSelf(principal: Principal, target: ClientRecord): principal is IntegrationPrincipal {
  return principal.type === 'integration' && principal.integrationId === target.id;
}

/**
 * Second factor (#18 item 4): a console session opened by password alone may not act while TOTP is
 * required (server-wide by `GATEHOUSE_REQUIRE_TOTP`, or by the environment's `require_totp`) and
 * the account has no confirmed TOTP factor. Sessions opened with TOTP, or by single sign-on (the
 * provider owns the second factor), pass.
 * @throws Forbidden `totp_required` naming what to do.
 */
export function requireSecondFactor(principal: Principal, required: boolean, enrolled: boolean): void {
  if (
    (principal.type !== 'console' && principal.type !== 'account' && principal.type !== 'member') ||
    !required ||
    enrolled
  )
    return;
  if (principal.authMethod === 'password+totp' || principal.authMethod === 'sso') return;
  throw new Forbidden('set up a TOTP second factor on your profile page first', 'totp_required');
}

/** What a caller may do to an integration: the actions the console offers (`Integration.actions`). */
export type IntegrationAction = 'update' | 'rotate_secret' | 'revoke_tokens' | 'manage_keys' | 'delete';

/** The route of each action (`METHOD url`): a member needs its capability in ROUTE_CAPABILITIES. */
const ACTION_ROUTES: Readonly<Record<IntegrationAction, readonly [string, string]>> = Object.freeze({
  update: ['PATCH', '/api/v1/environments/:env/integrations/:client_id'],
  rotate_secret: ['POST', '/api/v1/environments/:env/integrations/:client_id/rotate-secret'],
  revoke_tokens: ['POST', '/api/v1/environments/:env/integrations/:client_id/revoke-tokens'],
  manage_keys: ['POST', '/api/v1/environments/:env/integrations/:client_id/keys'],
  delete: ['DELETE', '/api/v1/environments/:env/integrations/:client_id'],
});

/** Every action, in the order the console shows them. */
export const INTEGRATION_ACTIONS = Object.freeze(Object.keys(ACTION_ROUTES) as IntegrationAction[]);

/**
 * Checks that `by` may take `action` on `target` now, in the order the route checks (so the refusal
 * is the one the route answers): a member's role capability for the route; an integration's scope
 * (`integrations:write`); for a secret rotation or a key change, that of another's credentials
 * ({@link secretRotationKind}); that the target is manageable ({@link requireManageable}); and that
 * a secret rotation has a secret to rotate. `by` undefined is the CLI (operator): state only.
 * @throws Forbidden (403) `forbidden`; InsufficientScope (403); Conflict (409) for rotating the secret
 *   of a key-only integration (it authenticates with `private_key_jwt`; its keys are managed instead).
 */
export function requireIntegrationAction(
  by: Principal | undefined,
  env: EnvironmentRecord,
  target: ClientRecord,
  action: IntegrationAction,
): void {
  if (by) {
    const [method, url] = ACTION_ROUTES[action];
    if (by.type === 'member') requireRouteCapability(by, method, url);
    if (action === 'rotate_secret' || action === 'manage_keys') {
      if (secretRotationKind(by, target.clientId) === 'other') requireManageable(by, env, target);
    } else {
      if (by.type === 'integration') requireScope(by, 'integrations:write');
      requireManageable(by, env, target);
    }
  }
  if (action === 'rotate_secret' && !target.hasSecret)
    throw new Conflict(
      'this integration has no secret: it authenticates with private_key_jwt (a signed assertion); manage its keys instead',
    );
}

/** Whether an action is allowed, and if not why (the description of the error the route would answer). */
export interface ActionDecision {
  allowed: boolean;
  reason: string | null;
}

/**
 * Every {@link IntegrationAction} decided for `by` on `target` by {@link requireIntegrationAction},
 * the same check the routes make: the console enables exactly the actions the server accepts.
 */
export function integrationActions(
  by: Principal | undefined,
  env: EnvironmentRecord,
  target: ClientRecord,
): Record<IntegrationAction, ActionDecision> {
  const out = {} as Record<IntegrationAction, ActionDecision>;
  for (const action of INTEGRATION_ACTIONS) {
    try {
      requireIntegrationAction(by, env, target, action);
      out[action] = { allowed: true, reason: null };
    } catch (err) {
      if (!(err instanceof DomainError || err instanceof OAuthError)) throw err;
      out[action] = { allowed: false, reason: err.message };
    }
  }
  return out;
}
