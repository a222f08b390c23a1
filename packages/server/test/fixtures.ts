/**
 * Shared fixtures of the server's HTTP tests (issue #24 item 4), instead of the `beforeAll` that
 * started a server and signed the administrator in, copied in every file. Import `it` (or `test`)
 * from here and name what a test needs: `it('…', async ({ t, operator, members }) => …)`.
 *
 * Every fixture is **file-scoped**: set up the first time a test of the file asks for it, shared
 * by the file's tests, torn down after the file. None keeps module-level state, so files sharing a
 * worker's module cache (the `integration` project runs with `isolate: false`) share nothing.
 *
 * - `kind` — the store the file's server runs on: `'sqlite'` (HTTP behaviour is tested once, on
 *   the embedded store); a file whose subject is the store overrides it per suite
 *   (`it.override('kind', kind)` inside `describe.each(STORE_KINDS)`).
 * - `t` — a {@link TestServer} on a new store of `kind`, closed (store deleted) after the file
 *   (`started` is what started it: with {@link testWithIdp}, the server and its provider, `idp`).
 * - `administrator` — the test administrator's credentials (`ADMIN_EMAIL`, `ADMIN_PASSWORD`),
 *   created through the service layer, not signed in (for a file whose tests sign in themselves).
 * - `operator` — the test administrator signed in: a console session.
 * - `admin` — the same session as a {@link Caller} (`{ session: operator }`).
 * - `members` — a signed-in member of each role of the `default` environment, each through an
 *   invitation the operator sent and the member accepted (`<role>@members.test`).
 *
 * A file whose helpers close over the server binds the fixture once for them:
 * `let t: TestServer; it.beforeAll(({ t: server }) => { t = server; })` (the fixture still starts
 * and closes it). A file adds its own fixtures over these with the builder form, e.g.
 * `const it = test.extend('as', { scope: 'file' }, ({ t, admin }) => (method, path) => call(t, admin, method, path))`.
 */
import { test as base } from 'vitest';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { startWithIdp } from '@gatehouse/testing/sso-server';
import type { IdpAccount, TestIdp } from '@gatehouse/testing/oidc-idp';
import type { StoreKind } from '@gatehouse/testing/stores';
import type { ConfigInput } from '@gatehouse/server';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestAdmin,
  session,
  type Caller,
  type ConsoleSession,
} from './management-helpers.js';
import { member } from './member-helpers.js';

/** The roles a member of an environment holds. */
export const ROLES = ['owner', 'admin', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** The email of the `members` fixture's member with `role`. */
export const memberEmail = (role: Role): string => `${role}@members.test`;

/** The credentials of the test administrator the `administrator` fixture creates. */
export interface AdministratorCredentials {
  email: string;
  password: string;
}

/** A started server (and whatever runs beside it), and how to stop it all. */
interface Started {
  t: TestServer;
  close(): Promise<void>;
}

/** The fixtures over the server `start` starts on a store of `kind` (see the module's comment). */
function fixturesOver<S extends Started>(kind: StoreKind, start: (kind: StoreKind) => Promise<S>) {
  return base
    .extend('kind', { scope: 'file' }, kind)
    .extend('started', { scope: 'file' }, async ({ kind }, { onCleanup }): Promise<S> => {
      const started = await start(kind);
      onCleanup(() => started.close());
      return started;
    })
    .extend('t', { scope: 'file' }, ({ started }): TestServer => started.t)
    .extend('administrator', { scope: 'file' }, async ({ t }): Promise<AdministratorCredentials> => {
      await createTestAdmin(t, ADMIN_EMAIL, ADMIN_PASSWORD);
      return { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };
    })
    .extend('operator', { scope: 'file' }, ({ t, administrator: a }): Promise<ConsoleSession> =>
      session(t, a.email, a.password),
    )
    .extend('admin', { scope: 'file' }, ({ operator }): Caller => ({ session: operator }))
    .extend('members', { scope: 'file' }, async ({ t, operator }): Promise<Record<Role, ConsoleSession>> => {
      const members = {} as Record<Role, ConsoleSession>;
      for (const role of ROLES) members[role] = await member(t, operator, 'default', memberEmail(role), role);
      return members;
    });
}

/**
 * The fixtures over a server on a store of `kind`, started with `config` (e.g. a shorter TTL).
 * Vitest wants file-scoped fixtures defined at a file's top level: a file whose subject is the
 * store uses {@link testsOn} there.
 */
export function testOn(kind: StoreKind, config: ConfigInput = {}) {
  return fixturesOver(kind, async (k) => {
    const t = await startTestServer(k, { config });
    return { t, close: () => t.close() };
  });
}

/**
 * The fixtures over a server whose console single sign-on uses a real OpenID Connect provider
 * knowing `accounts` ({@link startWithIdp}), plus `idp`: that provider. Both stop after the file.
 */
export function testWithIdp(
  accounts: Record<string, IdpAccount>,
  opts: Parameters<typeof startWithIdp>[2] = {},
  kind: StoreKind = 'sqlite',
) {
  return fixturesOver(kind, async (k) => {
    const { t, idp } = await startWithIdp(k, accounts, opts);
    return {
      t,
      idp,
      async close() {
        await t.close();
        await idp.close();
      },
    };
  }).extend('idp', { scope: 'file' }, ({ started }): TestIdp => started.idp);
}

/**
 * Fixtures for each of `kinds`, made at the file's top level; a `describe.each(STORE_KINDS)` body
 * takes its store's: `const on = testsOn(STORE_KINDS)` then `const it = on(kind)`. The file gets
 * one server per store, each closed after the file.
 */
export function testsOn(
  kinds: readonly StoreKind[],
  config: ConfigInput = {},
): (kind: StoreKind) => ReturnType<typeof testOn> {
  const made = new Map(kinds.map((kind) => [kind, testOn(kind, config)] as const));
  return (kind) => {
    const test = made.get(kind);
    if (!test) throw new Error(`no fixtures made for store ${kind}`);
    return test;
  };
}

/** The fixtures over a server on the embedded store (HTTP behaviour is tested once, on SQLite). */
export const test = testOn('sqlite');

/** {@link test} under the name most files use. */
export const it = test;
