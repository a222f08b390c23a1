/**
 * The one authorization decision of Gatehouse's own APIs: `decide(principal, action, target)`
 * (docs/product.md "Decisions by action", docs/security.md K-103). Every authenticated route
 * declares its {@link Action}; the context's hook asks {@link decide} with what the path names
 * (before the body is read), and services ask again with the rows they act on. The integration's
 * `actions` and the console's capabilities are answers of this same function.
 *
 * The rules, by principal:
 * - an operator (`console`) may everything but what only a token's owner does (its projects,
 *   outputs and `/self`);
 * - a member of the path's environment may what its role's capabilities allow
 *   ({@link ROLE_CAPABILITIES}); an account outside any environment lists its environments,
 *   reads itself and acts on its own session and profile (the console's `session.*`,
 *   `profile.*`, `invitation.accept`: operators and member accounts alike, never a bearer token);
 * - a bearer caller (integration, customer, customer-admin token) needs the action's scope among
 *   its effective scopes (RFC 6750 §3.1 `insufficient_scope`), and only the kinds the action
 *   names may call it at all;
 * - on an integration: the target's grants must lie within what the caller may manage (G-69);
 *   another's credentials need `integrations:write` and `integrations:secrets`, one's own never
 *   (G-70); grants given only within the caller's (G-68); a key-only integration has no secret
 *   to rotate (409).
 * @packageDocumentation
 */
import { CAPABILITY_ACTIONS, SECRETS_SCOPE, type Action, type Capability } from '@gatehouse/contracts';
import { InsufficientScope, InvalidToken } from '../errors/api-error.js';
import { Conflict, Forbidden, NotFound, type DomainError } from '../errors/domain-errors.js';
import type { OAuthError } from '../errors/oauth-error.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import { memberGrantLimit, ROLE_CAPABILITIES } from './role-policy.js';
import type { BearerPrincipal, Principal } from './principal.js';

/** Scopes per API id. */
export type GrantMap = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * What an action acts on. Route-level checks pass the path's parameters as they are (`env`,
 * `client_id`, `account_id`: the hook hands `request.params` itself, nothing allocated); services
 * add the rows they act on, as read in their unit of work.
 */
export interface ActionTarget {
  /** The environment: the path's slug, or its record (needed with `integration` or `grants`). */
  readonly env?: string | EnvironmentRecord | undefined;
  /** The integration the path names: enough to tell one's own credentials from another's. */
  readonly client_id?: string | undefined;
  /** The integration acted on, as the service read it (its grants, whether it has a secret). */
  readonly integration?: ClientRecord | undefined;
  /** Grants being given (creation, a change of grants): scopes per API id. */
  readonly grants?: GrantMap | undefined;
  /** The account whose membership changes (the path's `account_id`). */
  readonly account_id?: string | undefined;
}

/** The answer of {@link decide}: allowed, or refused with the error the route answers. */
export interface Decision {
  readonly allowed: boolean;
  /** The refusal's description (the error's message); null when allowed. */
  readonly reason: string | null;
  /** The error to throw: 403 `forbidden`/`insufficient_scope`, 404, 409 or 401; null when allowed. */
  readonly error: DomainError | OAuthError | null;
}

type BearerKind = 'integration' | 'customer' | 'admin';

/** How one action is decided. */
interface Rule {
  /** The capability a member's role needs; absent: members may not (operators only). */
  readonly capability?: Capability;
  /** The bearer principals that may call it at all; absent: none (session only). */
  readonly bearers?: readonly BearerKind[];
  /** The scope a bearer caller needs (absent: none beyond being one of `bearers`). */
  readonly scope?: string;
  /** What a refused bearer caller is told. */
  readonly sessionOnly?: string;
  /** An account outside any environment may (its own view of things). */
  readonly account?: true;
  /** Acts on what the caller owns (projects, outputs) or is (`/self`): a token's owner only. */
  readonly owned?: true;
}

const INTEGRATION: readonly BearerKind[] = ['integration'];
const ANY_BEARER: readonly BearerKind[] = ['integration', 'customer', 'admin'];
const FOR_CONSOLE = 'this operation is for console administrators';
const MEMBERS_FROM_CONSOLE = 'members are managed from the console or the CLI';
const CREDENTIALS_FROM_CONSOLE = 'environment credentials are managed from the console or the CLI';
const SIGNED_IN = 'this is done from the console, signed in';
/** On the signed-in account's own session or profile: any console account, operator or member; no token. */
const OWN_ACCOUNT: Rule = { account: true, sessionOnly: SIGNED_IN };

const read = (capability: Capability, scope: string): Rule => ({ capability, bearers: INTEGRATION, scope });
const content = (scope: string): Rule => ({ bearers: ANY_BEARER, scope });
const owned = (scope: string): Rule => ({ bearers: ANY_BEARER, scope, owned: true });
const session = (capability: Capability | undefined, sessionOnly: string): Rule =>
  capability ? { capability, sessionOnly } : { sessionOnly };

/**
 * Every action's rule (docs/product.md "Decisions by action" has the routes' table). A null
 * prototype: a name that is no action (`constructor`, `__proto__`) finds no rule and is refused.
 */
const RULES: Readonly<Record<Action, Rule>> = Object.freeze(
  Object.assign(Object.create(null) as Record<Action, Rule>, {
    'environment.list': { account: true, sessionOnly: FOR_CONSOLE },
    'environment.create': session(undefined, FOR_CONSOLE),
    'environment.read': read('environment:read', 'integrations:read'),
    'environment.update': session('environment:write', FOR_CONSOLE),
    'environment.delete': session('environment:delete', FOR_CONSOLE),
    'environment.require_totp': session('members:write', FOR_CONSOLE),
    'capabilities.read': session('environment:read', MEMBERS_FROM_CONSOLE),
    'integration.list': read('integrations:read', 'integrations:read'),
    'integration.create': read('integrations:create', 'integrations:write'),
    'integration.read': read('integrations:read', 'integrations:read'),
    'integration.update': read('integrations:write', 'integrations:write'),
    'integration.delete': read('integrations:write', 'integrations:write'),
    // Scopes decided with the target: one's own always, another's with integrations:secrets (G-70).
    'integration.rotate_secret': { capability: 'integrations:rotate-secret', bearers: INTEGRATION },
    'integration.revoke_tokens': read('integrations:write', 'integrations:write'),
    'integration.manage_keys': { capability: 'integrations:write', bearers: INTEGRATION },
    // A federated credential hands over the power to authenticate as the integration, as a key does.
    'integration.manage_federated_credentials': { capability: 'integrations:write', bearers: INTEGRATION },
    'api.list': read('apis:read', 'integrations:read'),
    'api.create': session('apis:write', FOR_CONSOLE),
    'api.read': read('apis:read', 'integrations:read'),
    'api.update': session('apis:write', FOR_CONSOLE),
    'api.delete': session('apis:write', FOR_CONSOLE),
    'audit.read': read('audit:read', 'audit:read'),
    'audit.read_server': session(undefined, FOR_CONSOLE),
    // Webhooks stream the audit log out (N-123): reading needs audit:read; owners and admins only.
    'webhook.read': read('webhooks:read', 'audit:read'),
    'webhook.write': read('webhooks:write', 'webhooks:write'),
    'webhook.read_server': session(undefined, FOR_CONSOLE),
    'webhook.write_server': session(undefined, FOR_CONSOLE),
    'operator.list': session(undefined, FOR_CONSOLE),
    'operator.remove': session(undefined, FOR_CONSOLE),
    'member.list': session('members:read', MEMBERS_FROM_CONSOLE),
    'member.invite': session('members:write', MEMBERS_FROM_CONSOLE),
    'member.update_role': session('members:write', MEMBERS_FROM_CONSOLE),
    'member.remove': session('members:write', MEMBERS_FROM_CONSOLE),
    'invitation.list': session('members:read', MEMBERS_FROM_CONSOLE),
    'invitation.revoke': session('members:write', MEMBERS_FROM_CONSOLE),
    'account.read': { account: true, sessionOnly: MEMBERS_FROM_CONSOLE },
    'session.read': OWN_ACCOUNT,
    'session.delete': OWN_ACCOUNT,
    'profile.read': OWN_ACCOUNT,
    'profile.change_password': OWN_ACCOUNT,
    'profile.totp_enroll': OWN_ACCOUNT,
    'profile.totp_confirm': OWN_ACCOUNT,
    'profile.totp_disable': OWN_ACCOUNT,
    'profile.recovery_codes': OWN_ACCOUNT,
    'invitation.accept': OWN_ACCOUNT,
    'self.read': { bearers: ANY_BEARER, owned: true },
    'project.list': owned('projects:read'),
    'project.create': owned('projects:write'),
    'project.read': owned('projects:read'),
    'project.update': owned('projects:write'),
    'project.delete': owned('projects:write'),
    'media.list': content('media:read'),
    'media.read': content('media:read'),
    'media.create': content('media:write'),
    'fonts.list': content('fonts:read'),
    'fonts.read': content('fonts:read'),
    'fonts.create': content('fonts:write'),
    'output.create': owned('outputs:create'),
    'output.list': owned('outputs:create'),
    'output.read': owned('outputs:create'),
    'customer.list': { capability: 'customers:read', bearers: ANY_BEARER, scope: 'customers:read' },
    'customer.read': { capability: 'customers:read', bearers: ANY_BEARER, scope: 'customers:read' },
    'customer.update': { capability: 'customers:write', bearers: ANY_BEARER, scope: 'customers:write' },
    'customer.delete': { capability: 'customers:write', bearers: ANY_BEARER, scope: 'customers:write' },
    'credentials.read': session('credentials:read', CREDENTIALS_FROM_CONSOLE),
    'credentials.create_secret': session('credentials:write', CREDENTIALS_FROM_CONSOLE),
    'credentials.rotate': session('credentials:write', CREDENTIALS_FROM_CONSOLE),
    'credentials.add_key': session('credentials:write', CREDENTIALS_FROM_CONSOLE),
    'credentials.remove_key': session('credentials:write', CREDENTIALS_FROM_CONSOLE),
  } satisfies Record<Action, Rule>),
);

/** Actions on an integration that need its grants within the caller's reach (G-69). */
const MANAGES: ReadonlySet<Action> = new Set<Action>([
  'integration.update',
  'integration.delete',
  'integration.revoke_tokens',
  'integration.rotate_secret',
  'integration.manage_keys',
  'integration.manage_federated_credentials',
]);
/** Actions on an integration's credentials: on its own, an integration needs no reach (G-70). */
const OWN_CREDENTIALS: ReadonlySet<Action> = new Set<Action>([
  'integration.rotate_secret',
  'integration.manage_keys',
  'integration.manage_federated_credentials',
]);

/** The one answer for everything allowed: nothing is allocated on the allowed path. */
const ALLOWED: Decision = Object.freeze({ allowed: true, reason: null, error: null });

/**
 * Decides whether `principal` may take `action` on `target` now. Without `target` (or with the
 * path's parameters only) it decides what can be decided before the rows are read; with the rows
 * (`integration`, `grants`) the rest. `principal` undefined is the CLI (an operator on the
 * machine): only the state rules apply (a key-only integration has no secret to rotate).
 * Cheap on the allowed path: a rule look-up and a Set look-up for a bearer caller's scope.
 * @returns {@link Decision}: `error` is 403 `insufficient_scope` naming the scope for a bearer
 *   caller (RFC 6750 §3.1), 403 `forbidden` for a role or a kind of caller that may not, 404
 *   `not_found` for another environment than the caller's, 401 `invalid_token` for a console
 *   session on a route only a token's owner calls, 409 `conflict` for rotating the secret of a
 *   key-only integration.
 * @throws TypeError when `target` carries rows (`integration`, `grants`) but `env` is not the
 *   environment's record: a bug in the caller, never decided as allowed.
 */
export function decide(principal: Principal | undefined, action: Action, target?: ActionTarget): Decision {
  const error = refusal(principal, action, target);
  return error ? { allowed: false, reason: error.message, error } : ALLOWED;
}

/**
 * {@link decide}, throwing the refusal: what routes and services call.
 * @throws the decision's error (see {@link decide}).
 */
export function authorize(principal: Principal | undefined, action: Action, target?: ActionTarget): void {
  const error = refusal(principal, action, target);
  if (error) throw error;
}

/** The error refusing `action`, or undefined when it is allowed. */
function refusal(
  p: Principal | undefined,
  action: Action,
  target: ActionTarget | undefined,
): DomainError | OAuthError | undefined {
  const rule = RULES[action];
  if (!rule) return new Forbidden(`unknown action ${JSON.stringify(action)}`);
  if (p) {
    const refused = callerRefusal(p, action, rule, target);
    if (refused) return refused;
  }
  return target && (target.integration || target.grants) ? stateRefusal(p, action, target) : undefined;
}

/** What the caller's kind, role or scopes refuse (no rows needed). */
function callerRefusal(
  p: Principal,
  action: Action,
  rule: Rule,
  target: ActionTarget | undefined,
): DomainError | OAuthError | undefined {
  switch (p.type) {
    case 'console':
      return rule.owned
        ? new InvalidToken('this operation takes the access token of an integration or a customer')
        : undefined;
    case 'account':
      return rule.account ? undefined : new Forbidden('this operation is for operators');
    case 'member': {
      if (!rule.capability) return new Forbidden('this operation is for operators');
      if (!ROLE_CAPABILITIES[p.role].has(rule.capability))
        return new Forbidden(`your role may not do this (needs ${rule.capability})`);
      // Nobody changes their own role: a member can't raise itself (J-91).
      if (action === 'member.update_role' && target?.account_id === p.accountId)
        return new Forbidden('you can not change your own role');
      return otherEnvironment(p.environment, p.environmentId, target?.env);
    }
    default: {
      // Another environment first: its routes don't exist for this caller (E-53).
      const other = otherEnvironment(p.environment, p.environmentId, target?.env);
      if (other) return other;
      if (!rule.bearers?.includes(p.type))
        return new Forbidden(
          p.type === 'integration'
            ? (rule.sessionOnly ?? FOR_CONSOLE)
            : 'the management API takes integration tokens or a console session',
        );
      if (rule.scope && !p.scopes.has(rule.scope)) return new InsufficientScope(rule.scope);
      if (OWN_CREDENTIALS.has(action)) return othersCredentials(p, target);
      if (rule.owned && p.type === 'admin' && action !== 'self.read')
        return new Forbidden('admin tokens act for the environment and own no projects');
      return undefined;
    }
  }
}

/** 404 when `env` (a slug or record) is not the caller's environment (E-53, J-90). */
function otherEnvironment(slug: string, id: string, env: string | EnvironmentRecord | undefined): NotFound | undefined {
  if (env === undefined) return undefined;
  return (typeof env === 'string' ? env !== slug : env.id !== id) ? new NotFound('environment') : undefined;
}

/**
 * Another integration's credentials (its secret, its keys, its `jwks_uri`) need `integrations:write`
 * and `integrations:secrets`; an integration may always act on its own (G-70).
 */
function othersCredentials(p: BearerPrincipal, target: ActionTarget | undefined): InsufficientScope | undefined {
  if (isSelf(p, target)) return undefined;
  if (!p.scopes.has('integrations:write')) return new InsufficientScope('integrations:write');
  if (!p.scopes.has(SECRETS_SCOPE)) return new InsufficientScope(SECRETS_SCOPE);
  return undefined;
}

/** True when `p` is the integration the target names. */
function isSelf(p: Principal, target: ActionTarget | undefined): boolean {
  if (p.type !== 'integration' || !target) return false;
  if (target.integration) return target.integration.id === p.integrationId;
  return target.client_id === p.clientId;
}

/** What the rows refuse: a target beyond the caller's reach, grants beyond its own, no secret. */
function stateRefusal(
  p: Principal | undefined,
  action: Action,
  target: ActionTarget,
): DomainError | OAuthError | undefined {
  const env = target.env;
  // Rows are objects; a path parameter of the same name (a string) is never taken for one.
  const client = typeof target.integration === 'object' ? target.integration : undefined;
  const grants = target.grants instanceof Map ? target.grants : undefined;
  // Deciding on rows needs the environment's record (its Environment API): never skipped silently.
  if (p && (client || grants) && typeof env !== 'object')
    throw new TypeError(`decide(${action}) on an integration or grants needs target.env as the environment record`);
  if (p && typeof env === 'object') {
    if (client && MANAGES.has(action) && !(OWN_CREDENTIALS.has(action) && isSelf(p, target))) {
      const beyond = beyondLimit(grantLimit(p, env), client.grants);
      if (beyond)
        return new InsufficientScope(
          beyond,
          p.type === 'member' && p.role === 'developer'
            ? `a developer manages only integrations with content scopes, and this one holds ${beyond}`
            : `this integration holds ${beyond}, beyond what you may manage`,
        );
    }
    if (grants) {
      const beyond = beyondLimit(grantLimit(p, env), grants);
      if (beyond) return new InsufficientScope(beyond);
    }
  }
  if (action === 'integration.rotate_secret' && client && !client.hasSecret)
    return new Conflict(
      'this integration has no secret: it authenticates with private_key_jwt (a signed assertion); manage its keys instead',
    );
  return undefined;
}

/**
 * What `principal` may grant and act on in `env`: undefined (no limit) for an operator; for a
 * member, its role's ({@link memberGrantLimit}); for an integration, its effective Environment API
 * scopes; nothing for other principals or another environment.
 */
export function grantLimit(principal: Principal, env: EnvironmentRecord): GrantMap | undefined {
  if (principal.type === 'console') return undefined;
  if (principal.type === 'member') return memberGrantLimit(principal, env);
  if (principal.type !== 'integration' || principal.environmentId !== env.id) return new Map();
  return new Map([[env.environmentApi.id, principal.scopes]]);
}

/** The first scope of `grants` outside `limit` (undefined: no limit), or undefined when none is. */
export function beyondLimit(limit: GrantMap | undefined, grants: GrantMap): string | undefined {
  if (!limit) return undefined;
  for (const [apiId, scopes] of grants) for (const s of scopes) if (!limit.get(apiId)?.has(s)) return s;
  return undefined;
}

/**
 * The capabilities the console shows or hides by, in `env` (`GET …/capabilities`): each is
 * {@link decide}'s answer for its action ({@link CAPABILITY_ACTIONS}), listed in that order.
 */
export function capabilitiesOf(principal: Principal, env: EnvironmentRecord): Capability[] {
  const out: Capability[] = [];
  for (const [capability, action] of Object.entries(CAPABILITY_ACTIONS) as [Capability, Action][])
    if (decide(principal, action, { env }).allowed) out.push(capability);
  return out;
}
