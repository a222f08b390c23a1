/**
 * What the authorization decision (auth/decide.ts, the one `decide`) stands on, and the names
 * older callers use (docs/product.md "Authorization follows the current state"):
 * - an integration's effective scopes are its token's scopes intersected with its grants *now*
 *   ({@link withCurrentScopes}, on every bearer request);
 * - customers hold content scopes only, whatever the environment's settings say;
 * - an integration that requires DPoP is served only with DPoP-bound tokens (RFC 9449 §5.2).
 * Who may take which action is decided by `decide` only; the integration helpers here are thin
 * wrappers over it.
 * @packageDocumentation
 */
import { CONTENT_SCOPES } from '@gatehouse/contracts';
import { InvalidToken } from '../errors/api-error.js';
import { decide } from './decide.js';
import type { ApiRecord, EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import type { BearerPrincipal, CustomerPrincipal, IntegrationPrincipal, Principal } from './principal.js';
export * from './role-policy.js';

/** What the policy reads of the current state: cached records the change feed keeps fresh (≤ 1 s). */
export interface CurrentState {
  client(clientId: string): Promise<ClientRecord | undefined>;
  environment(by: 'id', id: string): Promise<EnvironmentRecord | undefined>;
  /**
   * A value derived from these records for `key` (a verified token's principal), as long as no
   * record was invalidated since it was remembered; undefined otherwise.
   */
  derived<V>(key: object): V | undefined;
  /** Remembers `value` for `key`, unless a record was invalidated since `version` ({@link CurrentState.version}). */
  remember(key: object, value: unknown, version: number): void;
  /** Bumped by every invalidation of the records. */
  readonly version: number;
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

/**
 * Whether `client` (as the directory holds it now, undefined when gone) is an enabled integration
 * of `env`: what a token's integration, and an exchanged token's subject, must be for the token to
 * count (G-67, M-117).
 */
export function isLiveIn(client: ClientRecord | undefined, env: EnvironmentRecord): client is ClientRecord {
  return client !== undefined && client.enabled && client.environmentId === env.id;
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
  if (principal.type === 'admin') return principal;
  // A token used again (the verifier's cached principal) while no record changed: the same answer,
  // without reading the directory twice or building the scope set again (the bearer GET hot path).
  const known = state.derived<BearerPrincipal>(principal);
  if (known) return known;
  const version = state.version;
  const current = await deriveCurrent(state, principal);
  state.remember(principal, current, version);
  return current;
}

/** {@link withCurrentScopes} without the memo: read from the directory and built anew. */
async function deriveCurrent(
  state: CurrentState,
  principal: IntegrationPrincipal | CustomerPrincipal,
): Promise<BearerPrincipal> {
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

export { grantLimit, type GrantMap } from './decide.js';

/** True when `principal` is the integration `target` itself. */
export function isSelf(principal: Principal, target: ClientRecord): principal is IntegrationPrincipal {
  return principal.type === 'integration' && principal.integrationId === target.id;
}

/** What a caller may do to an integration: the actions the console offers (`Integration.actions`). */
export type IntegrationAction = 'update' | 'rotate_secret' | 'revoke_tokens' | 'manage_keys' | 'delete';

/** Every integration action, in the order the console shows them. */
export const INTEGRATION_ACTIONS: readonly IntegrationAction[] = Object.freeze([
  'update',
  'rotate_secret',
  'revoke_tokens',
  'manage_keys',
  'delete',
]);

/** Whether an action is allowed, and if not why (the description of the error the route would answer). */
export interface ActionDecision {
  allowed: boolean;
  reason: string | null;
}

/**
 * Every {@link IntegrationAction} as {@link decide} answers it for `by` on `target` — the same
 * decision the routes and services make, so the console enables exactly what the server accepts.
 */
export function integrationActions(
  by: Principal | undefined,
  env: EnvironmentRecord,
  target: ClientRecord,
): Record<IntegrationAction, ActionDecision> {
  const out = {} as Record<IntegrationAction, ActionDecision>;
  for (const action of INTEGRATION_ACTIONS) {
    const { allowed, reason } = decide(by, `integration.${action}`, { env, integration: target });
    out[action] = { allowed, reason };
  }
  return out;
}
