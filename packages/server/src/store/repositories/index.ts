/**
 * # The store layer
 *
 * Gatehouse's layers, top to bottom (each imports only from the ones below it):
 *
 * 1. **Routes** (`api/`, `management/`, `oauth/`, `console/`): HTTP only. They call services and
 *    never a repository or Kysely.
 * 2. **Services** (`services/`, and the domain modules `auth/`, `tokens/`, `keys/`, `cache/`,
 *    `throttle/`): business rules. They read through {@link repositories} and change state only in
 *    a {@link UnitOfWork} (`unitOfWork(store, async (uow) => …)`, `../unit-of-work.ts`), which
 *    gives the same repositories bound to one transaction plus `uow.change(…)` (the change-feed
 *    entry other nodes' caches follow) and `uow.audit(…)` (the audit event), so a change, its
 *    change-feed entry and its audit event commit together or not at all: a storage failure
 *    midway (store outage, full disk) rolls back everything. **A command decides inside its
 *    transaction** (docs/security.md K-100): it loads what it decides on in its unit of work —
 *    with the `…ForUpdate` / `lock` reads here, which lock the row on PostgreSQL (SQLite's
 *    transactions begin `IMMEDIATE`, holding the store's write lock) — decides, writes, and
 *    returns the written record; nothing is decided on a read taken before it. Locks are taken
 *    environment first, then its integrations.
 * 3. **Repositories** (this folder): the ONLY place SQL lives — every Kysely statement of the
 *    server is in one of these files, one per aggregate. Each is a small class over a
 *    {@link Queryable} (the store's handle or a transaction; it never opens a transaction itself)
 *    returning plain rows or records. Lists run a constant number of queries (no N+1).
 * 4. **Store** (`../db.ts`, `../schema.ts`, `../migrations/`, `../group-commit.ts`): the Kysely
 *    handle over SQLite or PostgreSQL, the schema, migrations, and group commit for token mints.
 *
 * `npm run check:shape` (dependency-cruiser, `.dependency-cruiser.mjs` at the repository root)
 * fails the build when `kysely` is imported outside `store/`, when `ctx.db` (a Kysely handle) is
 * used outside it, or when the folders of `packages/server/src` import each other in a cycle.
 *
 * | Repository | Tables |
 * | --- | --- |
 * | {@link EnvironmentRepository} | environments, apis, api_scopes |
 * | {@link ApiRepository} | renaming, re-scoping and deleting apis (api_scopes, the grants on them, their holders' tokens) |
 * | {@link EnvironmentRemovalRepository} | deleting an environment with everything in it |
 * | {@link IntegrationRepository} | integrations, grants, client_keys (and dropping token_reuse rows) |
 * | {@link FederatedCredentialRepository} | federated_credentials |
 * | {@link IntegrationUsageRepository} | integrations' last use and secret age, live issued_tokens counts |
 * | {@link TokenRepository} | issued_tokens, token_reuse |
 * | {@link SigningKeyRepository} | signing_keys |
 * | {@link CredentialRepository} | environment_credentials |
 * | {@link CustomerRepository} | customers (with the projects and outputs they own) |
 * | {@link ProjectRepository}, {@link OutputRepository}, {@link AssetRepository} | projects, outputs, assets |
 * | {@link AuditRepository} | audit_events |
 * | {@link ChangeRepository} | change_log (+ NOTIFY on PostgreSQL) |
 * | {@link ThrottleCounterRepository} | throttle_counters |
 * | {@link AdminRepository}, {@link SessionRepository} | admins, sessions |
 * | {@link ConsoleAccountRepository}, {@link MembershipRepository}, {@link InvitationRepository} | admins (as console accounts), memberships, invitations |
 * | {@link UsedJtiRepository} | used_jtis |
 * | {@link OperatorRepository} | admins as operator accounts (with their sessions and second factors) |
 * | {@link SecondFactorRepository} | totp_factors, recovery_codes, environments.require_totp |
 * | {@link SsoIdentityRepository} | sso_identities |
 * | {@link WebhookEndpointRepository} | webhook_endpoints |
 * | {@link WebhookDeliveryLogRepository} | webhook_deliveries, webhook_attempts (the log; test events, redelivery) |
 * | {@link StoreMetaRepository} | store_meta, and store-wide probes (`select 1`, holds data) |
 * @packageDocumentation
 */
import { AdminRepository, SessionRepository } from './admins.js';
import { ApiRepository } from './apis.js';
import { AuditRepository } from './audit.js';
import { ChangeRepository } from './change-log.js';
import { ConsoleAccountRepository } from './console-accounts.js';
import { CredentialRepository } from './credentials.js';
import { CustomerRepository } from './customers.js';
import { EnvironmentRemovalRepository } from './environment-removal.js';
import { EnvironmentRepository } from './environments.js';
import { FederatedCredentialRepository } from './federated-credentials.js';
import { IntegrationRepository } from './integrations.js';
import { OperatorRepository } from './operators.js';
import { InvitationRepository } from './invitations.js';
import { MembershipRepository } from './memberships.js';
import { IntegrationUsageRepository } from './integration-usage.js';
import { AssetRepository, OutputRepository, ProjectRepository } from './projects.js';
import type { Dialect, Queryable } from './queryable.js';
import { SecondFactorRepository } from './second-factors.js';
import { SsoIdentityRepository } from './sso-identities.js';
import { SigningKeyRepository } from './signing-keys.js';
import { StoreMetaRepository } from './store-meta.js';
import { ThrottleCounterRepository } from './throttle-counters.js';
import { TokenRepository } from './tokens.js';
import { UsedJtiRepository } from './used-jtis.js';
import { WebhookDeliveryLogRepository } from './webhook-delivery-log.js';
import { WebhookEndpointRepository } from './webhook-endpoints.js';

export {
  AdminRepository,
  ApiRepository,
  AssetRepository,
  AuditRepository,
  ChangeRepository,
  ConsoleAccountRepository,
  CredentialRepository,
  CustomerRepository,
  EnvironmentRemovalRepository,
  EnvironmentRepository,
  FederatedCredentialRepository,
  IntegrationRepository,
  OperatorRepository,
  InvitationRepository,
  MembershipRepository,
  IntegrationUsageRepository,
  OutputRepository,
  ProjectRepository,
  SecondFactorRepository,
  SessionRepository,
  SsoIdentityRepository,
  SigningKeyRepository,
  StoreMetaRepository,
  ThrottleCounterRepository,
  TokenRepository,
  UsedJtiRepository,
  WebhookDeliveryLogRepository,
  WebhookEndpointRepository,
};
export type { Dialect, Queryable } from './queryable.js';
export { isUniqueViolation } from './queryable.js';

/**
 * Every repository over one {@link Queryable}, each made on first use (a unit of work that touches
 * two aggregates makes two small objects).
 */
export class Repositories {
  private readonly made = new Map<string, unknown>();

  /** @param db the store's handle, or a transaction. */
  constructor(
    protected readonly db: Queryable,
    readonly dialect: Dialect,
  ) {}

  private one<T>(name: string, make: () => T): T {
    let repo = this.made.get(name) as T | undefined;
    if (repo === undefined) this.made.set(name, (repo = make()));
    return repo;
  }

  get environments(): EnvironmentRepository {
    return this.one('environments', () => new EnvironmentRepository(this.db, this.dialect));
  }
  get apis(): ApiRepository {
    return this.one('apis', () => new ApiRepository(this.db));
  }
  get environmentRemoval(): EnvironmentRemovalRepository {
    return this.one('environmentRemoval', () => new EnvironmentRemovalRepository(this.db, this.dialect));
  }
  get integrations(): IntegrationRepository {
    return this.one('integrations', () => new IntegrationRepository(this.db, this.dialect));
  }
  get federatedCredentials(): FederatedCredentialRepository {
    return this.one('federatedCredentials', () => new FederatedCredentialRepository(this.db));
  }
  get integrationUsage(): IntegrationUsageRepository {
    return this.one('integrationUsage', () => new IntegrationUsageRepository(this.db));
  }
  get tokens(): TokenRepository {
    return this.one('tokens', () => new TokenRepository(this.db, this.dialect));
  }
  get signingKeys(): SigningKeyRepository {
    return this.one('signingKeys', () => new SigningKeyRepository(this.db));
  }
  get credentials(): CredentialRepository {
    return this.one('credentials', () => new CredentialRepository(this.db, this.dialect));
  }
  get customers(): CustomerRepository {
    return this.one('customers', () => new CustomerRepository(this.db));
  }
  get projects(): ProjectRepository {
    return this.one('projects', () => new ProjectRepository(this.db));
  }
  get outputs(): OutputRepository {
    return this.one('outputs', () => new OutputRepository(this.db));
  }
  get assets(): AssetRepository {
    return this.one('assets', () => new AssetRepository(this.db));
  }
  get auditLog(): AuditRepository {
    return this.one('auditLog', () => new AuditRepository(this.db));
  }
  get changes(): ChangeRepository {
    return this.one('changes', () => new ChangeRepository(this.db, this.dialect));
  }
  get throttleCounters(): ThrottleCounterRepository {
    return this.one('throttleCounters', () => new ThrottleCounterRepository(this.db));
  }
  get admins(): AdminRepository {
    return this.one('admins', () => new AdminRepository(this.db));
  }
  get sessions(): SessionRepository {
    return this.one('sessions', () => new SessionRepository(this.db));
  }
  get usedJtis(): UsedJtiRepository {
    return this.one('usedJtis', () => new UsedJtiRepository(this.db));
  }
  get operators(): OperatorRepository {
    return this.one('operators', () => new OperatorRepository(this.db, this.dialect));
  }
  get secondFactors(): SecondFactorRepository {
    return this.one('secondFactors', () => new SecondFactorRepository(this.db));
  }
  get accounts(): ConsoleAccountRepository {
    return this.one('accounts', () => new ConsoleAccountRepository(this.db));
  }
  get memberships(): MembershipRepository {
    return this.one('memberships', () => new MembershipRepository(this.db));
  }
  get invitations(): InvitationRepository {
    return this.one('invitations', () => new InvitationRepository(this.db));
  }
  get ssoIdentities(): SsoIdentityRepository {
    return this.one('ssoIdentities', () => new SsoIdentityRepository(this.db));
  }
  get webhookEndpoints(): WebhookEndpointRepository {
    return this.one('webhookEndpoints', () => new WebhookEndpointRepository(this.db, this.dialect));
  }
  get webhookDeliveryLog(): WebhookDeliveryLogRepository {
    return this.one('webhookDeliveryLog', () => new WebhookDeliveryLogRepository(this.db, this.dialect));
  }
  get storeMeta(): StoreMetaRepository {
    return this.one('storeMeta', () => new StoreMetaRepository(this.db));
  }
}
