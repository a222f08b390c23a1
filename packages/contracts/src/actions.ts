/**
 * The domain actions of Gatehouse's own APIs: what a caller asks to do, named after the thing it
 * acts on, never after a URL. Every authenticated route declares one (`config.action`); the
 * server's one policy function, `decide(principal, action, target)`, answers each. The console
 * reads the same names (docs/product.md "Decisions by action").
 * @packageDocumentation
 */

/** Every action, grouped by what it acts on (the order of docs/product.md's route table). */
export const ACTIONS = Object.freeze([
  'environment.list',
  'environment.create',
  'environment.read',
  'environment.update',
  'environment.delete',
  'environment.require_totp',
  'capabilities.read',
  'integration.list',
  'integration.create',
  'integration.read',
  'integration.update',
  'integration.delete',
  'integration.rotate_secret',
  'integration.revoke_tokens',
  'integration.manage_keys',
  'integration.manage_federated_credentials',
  'api.list',
  'api.create',
  'api.read',
  'api.update',
  'api.delete',
  'audit.read',
  'audit.read_server',
  'webhook.read',
  'webhook.write',
  'webhook.read_server',
  'webhook.write_server',
  'operator.list',
  'operator.remove',
  'member.list',
  'member.invite',
  'member.update_role',
  'member.remove',
  'invitation.list',
  'invitation.revoke',
  'account.read',
  'session.read',
  'session.delete',
  'profile.read',
  'profile.change_password',
  'profile.totp_enroll',
  'profile.totp_confirm',
  'profile.totp_disable',
  'profile.recovery_codes',
  'invitation.accept',
  'self.read',
  'project.list',
  'project.create',
  'project.read',
  'project.update',
  'project.delete',
  'media.list',
  'media.read',
  'media.create',
  'fonts.list',
  'fonts.read',
  'fonts.create',
  'output.create',
  'output.list',
  'output.read',
  'customer.list',
  'customer.read',
  'customer.update',
  'customer.delete',
  'credentials.read',
  'credentials.create_secret',
  'credentials.rotate',
  'credentials.add_key',
  'credentials.remove_key',
] as const);

/** A domain action (see {@link ACTIONS}). */
export type Action = (typeof ACTIONS)[number];

const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS);

/** True when `value` names an action. */
export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && ACTION_SET.has(value);
}

/**
 * What the console shows or hides by (`GET /api/v1/environments/{env}/capabilities`): each is the
 * answer of the policy for one representative action ({@link CAPABILITY_ACTIONS}).
 */
export type Capability =
  | 'environment:read'
  | 'environment:write'
  | 'environment:delete'
  | 'integrations:read'
  | 'integrations:create'
  | 'integrations:write'
  | 'integrations:rotate-secret'
  | 'apis:read'
  | 'apis:write'
  | 'customers:read'
  | 'customers:write'
  | 'credentials:read'
  | 'credentials:write'
  | 'webhooks:read'
  | 'webhooks:write'
  | 'audit:read'
  | 'members:read'
  | 'members:write';

/**
 * The action each capability stands for, in the order the capabilities are listed (a viewer's
 * first, then what a developer, an admin and an owner add).
 */
export const CAPABILITY_ACTIONS: Readonly<Record<Capability, Action>> = Object.freeze({
  'environment:read': 'environment.read',
  'integrations:read': 'integration.read',
  'apis:read': 'api.read',
  'customers:read': 'customer.read',
  'audit:read': 'audit.read',
  'members:read': 'member.list',
  'integrations:create': 'integration.create',
  'integrations:rotate-secret': 'integration.rotate_secret',
  'credentials:read': 'credentials.read',
  'environment:write': 'environment.update',
  'integrations:write': 'integration.update',
  'apis:write': 'api.update',
  'customers:write': 'customer.update',
  'credentials:write': 'credentials.rotate',
  'webhooks:read': 'webhook.read',
  'webhooks:write': 'webhook.write',
  'members:write': 'member.invite',
  'environment:delete': 'environment.delete',
});
