/**
 * docs/security.md K-103 (with E-53, G-68…G-70, J-90, J-91): the one authorization decision, as a
 * table — every principal kind × every action, then the decisions that need the target's rows —
 * asserting allowed or refused and the error each refusal answers. A unit test: no server.
 */
import { describe, expect, it } from 'vitest';
import { ACTIONS, CONTENT_SCOPES, MANAGEMENT_SCOPES, SECRETS_SCOPE, type Action } from '@gatehouse/contracts';
import { authorize, capabilitiesOf, decide, type ActionTarget } from '../../src/auth/decide.js';
import { customerScopes, effectiveScopes, integrationActions } from '../../src/auth/policy.js';
import type { MemberRole, Principal } from '../../src/auth/principal.js';
import type { ClientRecord } from '../../src/store/repositories/integrations.js';
import type { ApiRecord, EnvironmentRecord } from '../../src/store/repositories/environments.js';

const ENV_API = 'api_env';
const TENANT_API = 'api_tenant';
const alpha = { id: 'env_a', slug: 'alpha', environmentApi: { id: ENV_API } } as unknown as EnvironmentRecord;
const beta = { id: 'env_b', slug: 'beta', environmentApi: { id: ENV_API } } as unknown as EnvironmentRecord;
const ALL_BUT_SECRETS = [...CONTENT_SCOPES, ...MANAGEMENT_SCOPES.filter((s) => s !== SECRETS_SCOPE)];

function integration(clientId: string, scopes: readonly string[]): Principal {
  const set = new Set(scopes);
  return {
    type: 'integration',
    environmentId: alpha.id,
    environment: alpha.slug,
    integrationId: `int_${clientId}`,
    clientId,
    tokenScopes: set,
    scopes: set,
    jti: 'j',
    exp: 0,
  };
}
function member(role: MemberRole): Principal {
  return {
    type: 'member',
    accountId: `acc_${role}`,
    email: `${role}@tenant.test`,
    environmentId: alpha.id,
    environment: alpha.slug,
    role,
    scopes: new Set(),
  };
}
function client(clientId: string, scopes: readonly string[], opts: { hasSecret?: boolean; tenant?: string[] } = {}) {
  const grants = new Map<string, Set<string>>([[ENV_API, new Set(scopes)]]);
  if (opts.tenant) grants.set(TENANT_API, new Set(opts.tenant));
  return {
    id: `int_${clientId}`,
    clientId,
    environmentId: alpha.id,
    grants,
    hasSecret: opts.hasSecret ?? true,
  } as unknown as ClientRecord;
}

const PRINCIPALS: Record<string, Principal> = {
  operator: { type: 'console', adminId: 'adm_1', email: 'op@example.test' },
  account: { type: 'account', accountId: 'acc_x', email: 'x@tenant.test' },
  owner: member('owner'),
  admin: member('admin'),
  developer: member('developer'),
  viewer: member('viewer'),
  'integration (all-permissions)': integration('cl_w', ALL_BUT_SECRETS),
  'integration (front end)': integration('cl_f', ['projects:read', 'media:read', 'fonts:read']),
  customer: {
    type: 'customer',
    environmentId: alpha.id,
    environment: alpha.slug,
    customerId: 'c1',
    name: null,
    fields: {},
    scopes: new Set(CONTENT_SCOPES),
    exp: 0,
  },
  'customer-admin token': {
    type: 'admin',
    environmentId: alpha.id,
    environment: alpha.slug,
    scopes: new Set(['customers:read', 'customers:write']),
    exp: 0,
  },
};

const OWNED: Action[] = ['self.read', ...ACTIONS.filter((a) => /^(project|output)\./.test(a))];
const CONTENT: Action[] = ACTIONS.filter((a) => /^(project|output|media|fonts)\./.test(a));
const VIEWER: Action[] = [
  'environment.read',
  'capabilities.read',
  'integration.list',
  'integration.read',
  'api.list',
  'api.read',
  'audit.read',
  'member.list',
  'invitation.list',
  'customer.list',
  'customer.read',
];
const DEVELOPER: Action[] = [...VIEWER, 'integration.create', 'integration.rotate_secret', 'credentials.read'];
const ADMIN: Action[] = [
  ...DEVELOPER,
  'environment.update',
  'integration.update',
  'integration.delete',
  'integration.revoke_tokens',
  'integration.manage_keys',
  'integration.manage_federated_credentials',
  'api.create',
  'api.update',
  'api.delete',
  'customer.update',
  'customer.delete',
  'credentials.create_secret',
  'credentials.rotate',
  'credentials.add_key',
  'credentials.remove_key',
  'webhook.read',
  'webhook.write',
];
const OWNER: Action[] = [
  ...ADMIN,
  'environment.delete',
  'environment.require_totp',
  'member.invite',
  'member.update_role',
  'member.remove',
  'invitation.revoke',
];
/** The signed-in account's own session and profile (the console): any console account, no token. */
const OWN_ACCOUNT: Action[] = [...ACTIONS.filter((a) => /^(session|profile)\./.test(a)), 'invitation.accept'];
/** What a bearer caller may never do (session only), whatever its scopes. */
const SESSION_ONLY: Action[] = [
  'environment.list',
  'environment.create',
  'environment.update',
  'environment.delete',
  'environment.require_totp',
  'capabilities.read',
  'api.create',
  'api.update',
  'api.delete',
  'audit.read_server',
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
  ...ACTIONS.filter((a) => a.startsWith('credentials.')),
  ...OWN_ACCOUNT,
];
/** Actions only an integration's token reaches among bearer callers (the management API). */
const INTEGRATION_ONLY: Action[] = ACTIONS.filter(
  (a) => /^(environment|integration|api|audit|webhook)\./.test(a) && !SESSION_ONLY.includes(a),
);

type Outcome = 'allowed' | `${number} ${string}`;

/** Every action's expected outcome per principal, route-level (the path names `alpha` and another integration). */
const EXPECTED: Record<string, (action: Action) => Outcome> = {
  operator: (a) => (OWNED.includes(a) ? '401 invalid_token' : 'allowed'),
  account: (a) =>
    a === 'environment.list' || a === 'account.read' || OWN_ACCOUNT.includes(a) ? 'allowed' : '403 forbidden',
  owner: (a) => (OWNER.includes(a) ? 'allowed' : '403 forbidden'),
  admin: (a) => (ADMIN.includes(a) ? 'allowed' : '403 forbidden'),
  developer: (a) => (DEVELOPER.includes(a) ? 'allowed' : '403 forbidden'),
  viewer: (a) => (VIEWER.includes(a) ? 'allowed' : '403 forbidden'),
  'integration (all-permissions)': (a) =>
    SESSION_ONLY.includes(a)
      ? '403 forbidden'
      : // Another integration's credentials need integrations:secrets (G-70).
        a === 'integration.rotate_secret' ||
          a === 'integration.manage_keys' ||
          a === 'integration.manage_federated_credentials'
        ? '403 insufficient_scope'
        : 'allowed',
  'integration (front end)': (a) =>
    SESSION_ONLY.includes(a)
      ? '403 forbidden'
      : ['self.read', 'project.list', 'project.read', 'media.list', 'media.read', 'fonts.list', 'fonts.read'].includes(
            a,
          )
        ? 'allowed'
        : '403 insufficient_scope',
  customer: (a) =>
    SESSION_ONLY.includes(a) || INTEGRATION_ONLY.includes(a)
      ? '403 forbidden'
      : a === 'self.read' || CONTENT.includes(a)
        ? 'allowed'
        : '403 insufficient_scope',
  'customer-admin token': (a) =>
    SESSION_ONLY.includes(a) || INTEGRATION_ONLY.includes(a)
      ? '403 forbidden'
      : a === 'self.read' || a.startsWith('customer.')
        ? 'allowed'
        : '403 insufficient_scope',
};

function outcome(principal: Principal | undefined, action: Action, target?: ActionTarget): Outcome {
  const d = decide(principal, action, target);
  if (d.allowed) return 'allowed';
  expect(d.reason).toBe(d.error!.message);
  return `${d.error!.status} ${d.error!.code}`;
}

describe('K-103 decide: every principal kind × every action', () => {
  for (const [name, principal] of Object.entries(PRINCIPALS))
    it(`K-103 ${name}: each action allowed or refused with the route's error`, () => {
      const got = Object.fromEntries(
        ACTIONS.map((a) => [
          a,
          outcome(principal, a, { env: 'alpha', client_id: 'cl_other', account_id: 'acc_other' }),
        ]),
      );
      const want = Object.fromEntries(ACTIONS.map((a) => [a, EXPECTED[name]!(a)]));
      expect(got).toEqual(want);
    });

  it('K-103 the CLI (no principal) is an operator: every action allowed on the path alone', () => {
    for (const a of ACTIONS) expect([a, outcome(undefined, a, { env: 'alpha' })]).toEqual([a, 'allowed']);
  });

  it('K-103 a refusal of a bearer caller names the scope in the RFC 6750 challenge', () => {
    const d = decide(PRINCIPALS['integration (front end)'], 'customer.list', { env: 'alpha' });
    expect(d.error!.message).toBe('this request needs the scope customers:read');
    expect((d.error as unknown as { headers: Record<string, string> }).headers['www-authenticate']).toContain(
      'scope="customers:read"',
    );
  });

  it('K-103 the allowed path allocates nothing: one frozen answer', () => {
    const w = PRINCIPALS['integration (all-permissions)'];
    expect(decide(w, 'project.list')).toBe(decide(w, 'integration.read', { env: 'alpha' }));
    expect(Object.isFrozen(decide(w, 'project.list'))).toBe(true);
  });

  it('K-103 an unknown action is refused (fail closed)', () => {
    for (const name of ['integration.frobnicate', 'constructor', '__proto__', 'toString'])
      expect([name, outcome(PRINCIPALS.operator, name as Action)]).toEqual([name, '403 forbidden']);
  });
});

describe('E-53/J-90 another environment', () => {
  it('E-53 a bearer caller or a member naming another environment (slug or record) gets 404', () => {
    for (const name of ['integration (all-permissions)', 'customer', 'customer-admin token', 'owner', 'viewer']) {
      const p = PRINCIPALS[name]!;
      const action: Action = name.startsWith('customer') ? 'customer.list' : 'integration.list';
      expect([name, outcome(p, action, { env: 'beta' })]).toEqual([name, '404 not_found']);
      expect([name, outcome(p, action, { env: beta })]).toEqual([name, '404 not_found']);
    }
    // Even where its kind may not act at all: another environment's routes don't exist for it.
    expect(outcome(PRINCIPALS['integration (all-permissions)'], 'environment.update', { env: 'beta' })).toBe(
      '404 not_found',
    );
    expect(outcome(PRINCIPALS.operator, 'integration.list', { env: beta })).toBe('allowed');
  });
});

describe('G-68…G-70, J-91 decisions on the target', () => {
  const W = PRINCIPALS['integration (all-permissions)']!;
  const strong = client('cl_s', ALL_BUT_SECRETS);
  const withSecrets = client('cl_x', [...ALL_BUT_SECRETS, SECRETS_SCOPE]);
  const content = client('cl_c', ['projects:read']);
  const keyOnly = client('cl_k', ['projects:read'], { hasSecret: false });
  const withTenant = client('cl_t', ['projects:read'], { tenant: ['orders:read'] });
  const on = (integration: ClientRecord, env = alpha): ActionTarget => ({ env, integration });
  const rows: [string, Principal | undefined, Action, ActionTarget, Outcome][] = [
    ['G-69 W changes an integration within its scopes', W, 'integration.update', on(strong), 'allowed'],
    [
      'G-69 W changes one holding integrations:secrets',
      W,
      'integration.update',
      on(withSecrets),
      '403 insufficient_scope',
    ],
    [
      'G-69 W deletes one holding a tenant API grant',
      W,
      'integration.delete',
      on(withTenant),
      '403 insufficient_scope',
    ],
    ['G-69 W revokes the tokens of one within', W, 'integration.revoke_tokens', on(content), 'allowed'],
    [
      'G-70 W rotates another secret without integrations:secrets',
      W,
      'integration.rotate_secret',
      on(content),
      '403 insufficient_scope',
    ],
    [
      'G-70 W adds a key to another without integrations:secrets',
      W,
      'integration.manage_keys',
      on(content),
      '403 insufficient_scope',
    ],
    [
      'L-109 W adds a federated credential to another without integrations:secrets',
      W,
      'integration.manage_federated_credentials',
      on(content),
      '403 insufficient_scope',
    ],
    [
      'G-70 a secrets holder rotates another within its scopes',
      integration('cl_z', [...ALL_BUT_SECRETS, SECRETS_SCOPE]),
      'integration.rotate_secret',
      on(strong),
      'allowed',
    ],
    [
      'G-70 a secrets holder rotates one beyond its scopes',
      integration('cl_z', ['integrations:write', SECRETS_SCOPE]),
      'integration.rotate_secret',
      on(strong),
      '403 insufficient_scope',
    ],
    [
      'G-70 an integration rotates its own secret with any token',
      integration('cl_c', ['projects:read']),
      'integration.rotate_secret',
      on(content),
      'allowed',
    ],
    [
      'G-70 its own secret is named by the path before the row is read',
      integration('cl_c', ['projects:read']),
      'integration.rotate_secret',
      { env: 'alpha', client_id: 'cl_c' },
      'allowed',
    ],
    [
      'G-68 an integration changing itself still needs its grants within its token',
      integration('cl_s', ['integrations:write']),
      'integration.update',
      on(strong),
      '403 insufficient_scope',
    ],
    [
      'G-68 W grants within its scopes',
      W,
      'integration.create',
      { env: alpha, grants: new Map([[ENV_API, new Set(['projects:read'])]]) },
      'allowed',
    ],
    [
      'G-68 W grants integrations:secrets',
      W,
      'integration.create',
      { env: alpha, grants: new Map([[ENV_API, new Set([SECRETS_SCOPE])]]) },
      '403 insufficient_scope',
    ],
    [
      'G-68 W grants on a tenant API',
      W,
      'integration.update',
      { env: alpha, grants: new Map([[TENANT_API, new Set(['orders:read'])]]) },
      '403 insufficient_scope',
    ],
    [
      '409 the operator rotates the secret of a key-only integration',
      PRINCIPALS.operator,
      'integration.rotate_secret',
      on(keyOnly),
      '409 conflict',
    ],
    ['409 so does the CLI', undefined, 'integration.rotate_secret', on(keyOnly), '409 conflict'],
    [
      'the operator manages the keys of a key-only integration',
      PRINCIPALS.operator,
      'integration.manage_keys',
      on(keyOnly),
      'allowed',
    ],
    [
      'J-91 a developer rotates a content-only secret',
      PRINCIPALS.developer,
      'integration.rotate_secret',
      on(content),
      'allowed',
    ],
    [
      'J-91 a developer rotates a strong secret',
      PRINCIPALS.developer,
      'integration.rotate_secret',
      on(strong),
      '403 insufficient_scope',
    ],
    [
      'J-91 a developer changes a content-only integration',
      PRINCIPALS.developer,
      'integration.update',
      on(content),
      '403 forbidden',
    ],
    [
      'J-91 a developer creates with content scopes',
      PRINCIPALS.developer,
      'integration.create',
      { env: alpha, grants: new Map([[ENV_API, new Set(CONTENT_SCOPES)]]) },
      'allowed',
    ],
    [
      'J-91 a developer creates with integrations:read',
      PRINCIPALS.developer,
      'integration.create',
      { env: alpha, grants: new Map([[ENV_API, new Set(['integrations:read'])]]) },
      '403 insufficient_scope',
    ],
    ['J-91 an admin changes a strong integration', PRINCIPALS.admin, 'integration.update', on(withSecrets), 'allowed'],
    [
      'J-90 a member acting on another environment’s row',
      PRINCIPALS.owner,
      'integration.update',
      on(strong, beta),
      '404 not_found',
    ],
    [
      'J-91 an owner changes another member’s role',
      PRINCIPALS.owner,
      'member.update_role',
      { env: 'alpha', account_id: 'acc_v' },
      'allowed',
    ],
    [
      'J-91 an owner changes its own role',
      PRINCIPALS.owner,
      'member.update_role',
      { env: 'alpha', account_id: 'acc_owner' },
      '403 forbidden',
    ],
    [
      'J-91 a viewer removes a member',
      PRINCIPALS.viewer,
      'member.remove',
      { env: 'alpha', account_id: 'acc_v' },
      '403 forbidden',
    ],
  ];
  for (const [name, principal, action, target, want] of rows)
    it(name, () => {
      expect(outcome(principal, action, target)).toBe(want);
      if (want === 'allowed') expect(() => authorize(principal, action, target)).not.toThrow();
      else expect(() => authorize(principal, action, target)).toThrow(decide(principal, action, target).error!.message);
    });

  it('K-103 a decision on rows without the environment record is a bug, never a silent allow', () => {
    expect(() => decide(W, 'integration.update', { env: 'alpha', integration: withSecrets })).toThrow(TypeError);
  });

  it('J-91 a developer is told why; a role refusal names the capability', () => {
    expect(decide(PRINCIPALS.developer, 'integration.rotate_secret', on(strong)).reason).toMatch(
      /^a developer manages only integrations with content scopes, and this one holds /,
    );
    expect(decide(PRINCIPALS.developer, 'integration.delete', on(content)).reason).toBe(
      'your role may not do this (needs integrations:write)',
    );
  });
});

describe('the answers the console reads are decide’s', () => {
  it('K-103 integration actions are decide’s answers on the row', () => {
    const dev = PRINCIPALS.developer!;
    const actions = integrationActions(dev, alpha, client('cl_c', ['projects:read']));
    for (const [name, answer] of Object.entries(actions)) {
      const d = decide(dev, `integration.${name}` as Action, on(client('cl_c', ['projects:read'])));
      expect([name, answer]).toEqual([name, { allowed: d.allowed, reason: d.reason }]);
    }
    expect(
      Object.entries(actions)
        .filter(([, a]) => a.allowed)
        .map(([n]) => n),
    ).toEqual(['rotate_secret']);
    function on(integration: ClientRecord): ActionTarget {
      return { env: alpha, integration };
    }
  });

  it('K-103 capabilities per role, in the console’s order', () => {
    const caps = (p: Principal) => capabilitiesOf(p, alpha);
    const viewer = [
      'environment:read',
      'integrations:read',
      'apis:read',
      'customers:read',
      'audit:read',
      'members:read',
    ];
    const developer = [...viewer, 'integrations:create', 'integrations:rotate-secret', 'credentials:read'];
    const admin = [
      ...developer,
      'environment:write',
      'integrations:write',
      'apis:write',
      'customers:write',
      'credentials:write',
      'webhooks:read',
      'webhooks:write',
    ];
    expect(caps(PRINCIPALS.viewer!)).toEqual(viewer);
    expect(caps(PRINCIPALS.developer!)).toEqual(developer);
    expect(caps(PRINCIPALS.admin!)).toEqual(admin);
    expect(caps(PRINCIPALS.owner!)).toEqual([...admin, 'members:write', 'environment:delete']);
    expect(caps(PRINCIPALS.operator!)).toEqual(caps(PRINCIPALS.owner!));
    expect(caps(PRINCIPALS['integration (all-permissions)']!)).not.toContain('members:read');
  });
});

describe('the scopes a token still carries', () => {
  const api = { id: TENANT_API } as unknown as ApiRecord;
  const holder = (grants: [string, string[]][]) =>
    ({ grants: new Map(grants.map(([id, scopes]) => [id, new Set(scopes)])) }) as unknown as ClientRecord;

  it('G-67 a token keeps only the scopes its integration is granted on the API now; none when it holds nothing there', () => {
    const client = holder([[TENANT_API, ['orders:read']]]);
    expect([...effectiveScopes(['orders:read', 'orders:write'], client, api)]).toEqual(['orders:read']);
    expect(effectiveScopes(['orders:read'], holder([[ENV_API, ['orders:read']]]), api).size).toBe(0);
  });

  it('a customer holds content scopes only, whatever its token or the environment says', () => {
    const management = MANAGEMENT_SCOPES[0]!;
    expect([...customerScopes([CONTENT_SCOPES[0]!, management, SECRETS_SCOPE])]).toEqual([CONTENT_SCOPES[0]]);
  });
});
