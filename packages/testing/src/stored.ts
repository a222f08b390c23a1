/**
 * What a test server has stored, read without naming a table in a test (issue #24 item 4): tests
 * say what they look at (`stored(t).membershipsOf(email)`), this module says where it lives. A
 * reader uses the server's repository method where one answers the question, else one Kysely query
 * here. Rows are the tables' rows (snake_case columns) so a test comparing whole rows before and
 * after a refused request compares exactly what it compared before.
 * @packageDocumentation
 */
import type { Selectable } from 'kysely';
import type { Database } from '../../server/src/store/schema.js';
import { repositories } from '../../server/src/store/unit-of-work.js';
import type { Context } from '../../server/src/context.js';
import type { TestServer } from './server.js';

/** A stored row of `table`. */
export type StoredRow<T extends keyof Database> = Selectable<Database[T]>;

/** The tables a token, management or customer request writes to (issue #24: named here, not in tests). */
const REQUEST_WRITTEN = [
  'integrations',
  'grants',
  'issued_tokens',
  'token_reuse',
  'change_log',
  'audit_events',
  'customers',
] as const;

/** Which audit events to read: exact `action` and/or `target`, written at or after `sinceMs`. */
export interface AuditFilter {
  action?: string;
  target?: string;
  /** Milliseconds since the epoch; with it, the events come by time written. */
  sinceMs?: number;
}

/** A test server, or a server context (a runtime's `ctx`, `openContext`'s answer) of a store. */
export type StoreHolder = TestServer | Pick<Context, 'db' | 'store'>;

const contextOf = (from: StoreHolder): Pick<Context, 'db' | 'store'> =>
  'server' in from ? from.server.runtime.ctx : from;

/** Readers of what `from` has stored (see the module's comment). */
export function stored(from: StoreHolder) {
  const ctx = contextOf(from);
  const db = ctx.db;
  const repos = () => repositories(ctx.store);
  return {
    /** The id of the console account (operator or member) with `email`; throws when there is none. */
    async accountId(email: string): Promise<string> {
      const account = await repos().accounts.byEmail(email);
      if (!account) throw new Error(`no console account ${email}`);
      return account.id;
    },

    /** Every console account with `email` (ids): one at most unless the store let a duplicate in. */
    accountsWithEmail(email: string): Promise<{ id: string }[]> {
      return db.selectFrom('admins').select('id').where('email', '=', email).execute();
    },

    /** Every console account (id and email), by id. */
    accounts(): Promise<{ id: string; email: string }[]> {
      return db.selectFrom('admins').select(['id', 'email']).orderBy('id').execute();
    },

    /** Every console account's whole row (password hash included), by id. */
    accountRows(): Promise<StoredRow<'admins'>[]> {
      return db.selectFrom('admins').selectAll().orderBy('id').execute();
    },

    /** Every console session row (SHA-256 of the cookie value, account, factors, expiry). */
    sessions(): Promise<StoredRow<'sessions'>[]> {
      return db.selectFrom('sessions').selectAll().execute();
    },

    /** Every console account's email and password hash, by id. */
    accountPasswords(): Promise<{ email: string; password_hash: string }[]> {
      return db.selectFrom('admins').select(['email', 'password_hash']).orderBy('id').execute();
    },

    /** The environments (slug and role) `email`'s account is a member of, by slug; [] without an account. */
    async membershipsOf(email: string): Promise<{ slug: string; role: string }[]> {
      const account = await repos().accounts.byEmail(email);
      if (!account) return [];
      return (await repos().memberships.ofAccount(account.id)).map(({ slug, role }) => ({ slug, role }));
    },

    /** Every membership row, by account id. */
    memberships(): Promise<StoredRow<'memberships'>[]> {
      return db.selectFrom('memberships').selectAll().orderBy('account_id').orderBy('environment_id').execute();
    },

    /** How many owners environment `slug` has; throws when there is no such environment. */
    async ownerCount(slug: string): Promise<number> {
      const env = await db.selectFrom('environments').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
      return repos().memberships.countOwners(env.id);
    },

    /** Every environment row (settings and sealed secrets), by id. */
    environments(): Promise<StoredRow<'environments'>[]> {
      return db.selectFrom('environments').selectAll().orderBy('id').execute();
    },

    /** Every integration row, by id. */
    integrations(): Promise<StoredRow<'integrations'>[]> {
      return db.selectFrom('integrations').selectAll().orderBy('id').execute();
    },

    /** The integration row with `id`; throws when there is none. */
    integration(id: string): Promise<StoredRow<'integrations'>> {
      return db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    },

    /** Every integration row named `name`. */
    integrationsNamed(name: string): Promise<StoredRow<'integrations'>[]> {
      return db.selectFrom('integrations').selectAll().where('name', '=', name).orderBy('id').execute();
    },

    /** The integration row whose OAuth `client_id` is `clientId`; throws when there is none. */
    integrationByClientId(clientId: string): Promise<StoredRow<'integrations'>> {
      return db.selectFrom('integrations').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    },

    /** The issued-token rows (`jti`, expiry, revocation) of integration `id` (its row id, not its client_id). */
    issuedTokens(id: string): Promise<StoredRow<'issued_tokens'>[]> {
      return db.selectFrom('issued_tokens').selectAll().where('integration_id', '=', id).execute();
    },

    /** The issued-token rows among `jtis` (any integration). */
    issuedTokensWithJti(jtis: readonly string[]): Promise<StoredRow<'issued_tokens'>[]> {
      if (!jtis.length) return Promise.resolve([]);
      return db
        .selectFrom('issued_tokens')
        .selectAll()
        .where('jti', 'in', [...jtis])
        .execute();
    },

    /** The registered public keys (`private_key_jwt`) of every integration: kid and integration. */
    clientKeys(): Promise<{ kid: string; integration_id: string }[]> {
      return db.selectFrom('client_keys').select(['kid', 'integration_id']).execute();
    },

    /** Every signing-key row (kid, state, sealed private key). */
    signingKeys(): Promise<StoredRow<'signing_keys'>[]> {
      return db.selectFrom('signing_keys').selectAll().execute();
    },

    /** The signing-key row with `kid`; throws when there is none. */
    signingKey(kid: string): Promise<StoredRow<'signing_keys'>> {
      return db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirstOrThrow();
    },

    /** The grants (API id and scope) of integration `id`, by scope. */
    grantsOf(id: string): Promise<{ api_id: string; scope: string }[]> {
      return db
        .selectFrom('grants')
        .select(['api_id', 'scope'])
        .where('integration_id', '=', id)
        .orderBy('scope')
        .execute();
    },

    /** Every invitation row (token hashes included), by id. */
    invitations(): Promise<StoredRow<'invitations'>[]> {
      return db.selectFrom('invitations').selectAll().orderBy('id').execute();
    },

    /** The invitation row with `id`; throws when there is none. */
    invitation(id: string): Promise<StoredRow<'invitations'>> {
      return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    },

    /** Every registered API row, by id. */
    apis(): Promise<StoredRow<'apis'>[]> {
      return db.selectFrom('apis').selectAll().orderBy('id').execute();
    },

    /** How many customers are stored, in every environment. */
    async customerCount(): Promise<number> {
      const row = await db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Every customer's id (every environment), in the store's order. */
    async customerIds(): Promise<{ id: string }[]> {
      return db.selectFrom('customers').select('id').execute();
    },

    /** The customer rows with `id` (in any environment). */
    customers(id: string): Promise<StoredRow<'customers'>[]> {
      return db.selectFrom('customers').selectAll().where('id', '=', id).orderBy('environment_id').execute();
    },

    /** The customer row with `id`; throws when there is none (or when several environments have one). */
    async customer(id: string): Promise<StoredRow<'customers'>> {
      const rows = await db.selectFrom('customers').selectAll().where('id', '=', id).execute();
      if (rows.length !== 1) throw new Error(`${rows.length} customers with id ${id}`);
      return rows[0]!;
    },

    /** Every environment-credentials row of `kind` (`secret` or `public_key`), or of both. */
    environmentCredentialsOf(kind: 'secret' | 'public_key'): Promise<StoredRow<'environment_credentials'>[]> {
      return db.selectFrom('environment_credentials').selectAll().where('kind', '=', kind).execute();
    },

    /** Every environment-credentials row (sealed secrets, public keys). */
    environmentCredentials(): Promise<StoredRow<'environment_credentials'>[]> {
      return db.selectFrom('environment_credentials').selectAll().execute();
    },

    /** Every recovery-code row. */
    recoveryCodes(): Promise<StoredRow<'recovery_codes'>[]> {
      return db.selectFrom('recovery_codes').selectAll().execute();
    },

    /** The whole TOTP factor rows (sealed secret included) of account `accountId`, or of every account. */
    totpFactorRows(accountId?: string): Promise<StoredRow<'totp_factors'>[]> {
      let q = db.selectFrom('totp_factors').selectAll();
      if (accountId !== undefined) q = q.where('account_id', '=', accountId);
      return q.execute();
    },

    /** Every TOTP factor (account and confirmation time). */
    totpFactors(): Promise<{ account_id: string; confirmed_at: StoredRow<'totp_factors'>['confirmed_at'] }[]> {
      return db.selectFrom('totp_factors').select(['account_id', 'confirmed_at']).execute();
    },

    /** The change-feed entries about `ref` (an environment, integration, … id), in the store's order. */
    changesOf(ref: string): Promise<StoredRow<'change_log'>[]> {
      return db.selectFrom('change_log').selectAll().where('ref', '=', ref).execute();
    },

    /** The store's metadata (master-key check and origin, versions) by name. */
    async storeMeta(): Promise<Record<string, string>> {
      const rows = await db.selectFrom('store_meta').selectAll().execute();
      return Object.fromEntries(rows.map((r) => [r.name, r.value]));
    },

    /** Every single-sign-on link (issuer, subject, account) row. */
    ssoIdentities(): Promise<StoredRow<'sso_identities'>[]> {
      return db.selectFrom('sso_identities').selectAll().execute();
    },

    /** How many client-assertion `jti`s are remembered (replay protection). */
    async usedJtiCount(): Promise<number> {
      const row = await db
        .selectFrom('used_jtis')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** The keys of every stored throttle window (SQL throttling; Redis keeps its own). */
    async throttleCounterKeys(): Promise<string[]> {
      return (await db.selectFrom('throttle_counters').select('key').execute()).map((r) => r.key);
    },

    /** Every registered API row with `audience`. */
    apisWithAudience(audience: string): Promise<StoredRow<'apis'>[]> {
      return db.selectFrom('apis').selectAll().where('audience', '=', audience).execute();
    },

    /**
     * How many rows each table a request writes holds, keyed by table: compared before and after a
     * request that must have written nothing (or exactly one customer).
     */
    async requestWrittenCounts(): Promise<Record<string, number>> {
      const out: Record<string, number> = {};
      for (const table of REQUEST_WRITTEN)
        out[table] = Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return out;
    },

    /**
     * The audit events matching `filter`, in the store's order (SQLite: as written; ids sort by
     * millisecond only, so they do not order events written in the same millisecond).
     */
    auditEvents(filter: AuditFilter = {}): Promise<StoredRow<'audit_events'>[]> {
      let q = db.selectFrom('audit_events').selectAll();
      if (filter.action !== undefined) q = q.where('action', '=', filter.action);
      if (filter.target !== undefined) q = q.where('target', '=', filter.target);
      if (filter.sinceMs !== undefined) q = q.where('created_at_ms', '>=', filter.sinceMs).orderBy('created_at_ms');
      return q.execute();
    },

    /** The whole row of webhook endpoint `id` (its sealed secrets included); throws when there is none. */
    webhookEndpoint(id: string): Promise<StoredRow<'webhook_endpoints'>> {
      return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    },

    /** The whole rows of webhook endpoint `endpointId`'s deliveries (bodies included), by id. */
    webhookDeliveries(endpointId: string): Promise<StoredRow<'webhook_deliveries'>[]> {
      return db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('endpoint_id', '=', endpointId)
        .orderBy('id')
        .execute();
    },
  };
}
