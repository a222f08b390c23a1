/**
 * Store contract (issue #24) of console accounts: administrators and sessions, member accounts,
 * operators (with their `FOR UPDATE` count and password hash), second factors and SSO identities.
 * Repository methods called directly on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { isUniqueViolation, type Repositories } from '../../src/store/repositories/index.js';
import { repositories, unitOfWork } from '../../src/store/unit-of-work.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { contend, openStoreOf, seedAccount, seedEnvironment, type OpenStore } from './helpers.js';

describe.each(STORE_KINDS)('store contract: accounts, sessions, operators, second factors, SSO (%s)', (kind) => {
  let open: OpenStore;
  let store: Store;
  let repos: Repositories;
  beforeAll(async () => {
    open = await openStoreOf(kind);
    store = open.store;
    repos = repositories(store);
  });
  afterAll(() => open.close());

  it('admins: of two concurrent inserts of one email exactly one succeeds and the other is a unique violation; byEmail() finds it', async () => {
    const row = (id: string) => ({ id, email: 'race@store.test', password_hash: 'x', created_at: 1 });
    const results = await Promise.allSettled([
      repos.admins.insert(row('adm_race_1')),
      repos.admins.insert(row('adm_race_2')),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isUniqueViolation(refused.reason)).toBe(true);
    expect(isUniqueViolation(new Error('something else'))).toBe(false);
    expect(await repos.admins.byEmail('race@store.test')).toMatchObject({
      email: 'race@store.test',
      password_hash: 'x',
    });
    expect(await repos.admins.byEmail('RACE@store.test')).toBeUndefined();
  });

  it('sessions: insert(); byHash() joins the account (operator flag, defaults for method and amr); setFactors(); purgeExpired(now, inclusive) also deletes one expiring exactly now, purgeExpired(now, false) keeps it; delete()', async () => {
    await seedAccount(store, 'adm_sessions', 0);
    const session = (id: string, expiresAt: number) => ({
      id_hash: id,
      admin_id: 'adm_sessions',
      csrf_token: 'csrf',
      created_at: 1,
      expires_at: expiresAt,
    });
    await repos.sessions.insert(session('s-past', 99));
    await repos.sessions.insert(session('s-now', 100));
    await repos.sessions.insert(session('s-later', 101));
    const now = await repos.sessions.byHash('s-now');
    expect(now).toMatchObject({
      admin_id: 'adm_sessions',
      email: 'adm_sessions@store.test',
      operator: 0,
      csrf_token: 'csrf',
      expires_at: 100,
    });
    expect(typeof now!.auth_method).toBe('string');
    await repos.sessions.setFactors('s-now', 'pwd otp', 'password+totp');
    expect(await repos.sessions.byHash('s-now')).toMatchObject({ amr: 'pwd otp', auth_method: 'password+totp' });
    await repos.sessions.purgeExpired(100, false);
    expect(await repos.sessions.byHash('s-past')).toBeUndefined();
    expect(await repos.sessions.byHash('s-now')).toBeDefined();
    await repos.sessions.purgeExpired(100, true);
    expect(await repos.sessions.byHash('s-now')).toBeUndefined();
    expect((await repos.sessions.byHash('s-later'))?.expires_at).toBe(101);
    await repos.sessions.delete('s-later');
    expect(await repos.sessions.byHash('s-later')).toBeUndefined();
  });

  it('console accounts: insertMember() (not an operator; passwordSet false for SSO; a taken email is a unique violation); byId() and byEmail() return id, email and the operator flag', async () => {
    await repos.accounts.insertMember({ id: 'mem_1', email: 'member@store.test', passwordHash: 'h', createdAt: 5 });
    await repos.accounts.insertMember({
      id: 'mem_sso',
      email: 'sso-member@store.test',
      passwordHash: 'h',
      createdAt: 5,
      passwordSet: false,
    });
    expect(await repos.accounts.byId('mem_1')).toEqual({ id: 'mem_1', email: 'member@store.test', operator: false });
    expect(await repos.accounts.byEmail('member@store.test')).toEqual({
      id: 'mem_1',
      email: 'member@store.test',
      operator: false,
    });
    await seedAccount(store, 'op_acc', 1);
    expect(await repos.accounts.byId('op_acc')).toEqual({ id: 'op_acc', email: 'op_acc@store.test', operator: true });
    expect(await repos.accounts.byId('absent')).toBeUndefined();
    expect(await repos.accounts.byEmail('absent@store.test')).toBeUndefined();
    expect((await repos.operators.byId('mem_1'))!.passwordSet).toBe(true);
    expect((await repos.operators.byId('mem_sso'))!.passwordSet).toBe(false);
    const taken = await repos.accounts
      .insertMember({ id: 'mem_2', email: 'member@store.test', passwordHash: 'h', createdAt: 5 })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(taken)).toBe(true);
  });

  it('operators: list() only operators, oldest first, with TOTP only when confirmed; count(); accountByEmail() and byId() find members too; setPasswordHash() ends other sessions; delete() only an operator, with its sessions, factors and identities', async () => {
    const before = await repos.operators.count();
    await seedAccount(store, 'op_b', 1, 20);
    await seedAccount(store, 'op_a', 1, 20);
    await seedAccount(store, 'op_member', 0, 20);
    await repos.secondFactors.savePendingTotp('op_a', 'sealed', 20);
    expect(await repos.operators.count()).toBe(before + 2);
    const listed = (await repos.operators.list()).filter((o) => o.createdAt === 20);
    expect(listed).toEqual([
      { id: 'op_a', email: 'op_a@store.test', createdAt: 20, totp: false },
      { id: 'op_b', email: 'op_b@store.test', createdAt: 20, totp: false },
    ]);
    expect(await repos.secondFactors.acceptTotpStep('op_a', 1, 21, true)).toBe(true);
    expect((await repos.operators.list()).find((o) => o.id === 'op_a')!.totp).toBe(true);
    expect(await repos.operators.accountByEmail('op_member@store.test')).toEqual({
      id: 'op_member',
      email: 'op_member@store.test',
      operator: 0,
    });
    expect(await repos.operators.accountByEmail('absent@store.test')).toBeUndefined();
    expect(await repos.operators.byId('op_b')).toEqual({
      id: 'op_b',
      email: 'op_b@store.test',
      passwordHash: 'hash-op_b',
      operator: true,
      passwordSet: true,
    });
    expect(await repos.operators.byId('absent')).toBeUndefined();

    const session = (id: string) => ({
      id_hash: id,
      admin_id: 'op_b',
      csrf_token: 'c',
      created_at: 1,
      expires_at: 9_999_999_999,
    });
    await repos.sessions.insert(session('op-keep'));
    await repos.sessions.insert(session('op-end'));
    expect(await unitOfWork(store, (uow) => uow.operators.setPasswordHash('op_b', 'new-hash', 'op-keep'))).toBe(true);
    expect((await repos.operators.byId('op_b'))!.passwordHash).toBe('new-hash');
    expect(await repos.sessions.byHash('op-keep')).toBeDefined();
    expect(await repos.sessions.byHash('op-end')).toBeUndefined();
    expect(await repos.operators.setPasswordHash('op_b', 'newer')).toBe(true);
    expect(await repos.sessions.byHash('op-keep')).toBeUndefined();
    expect(await repos.operators.setPasswordHash('absent', 'x')).toBe(false);

    await repos.sessions.insert({ ...session('op-a-session'), admin_id: 'op_a' });
    await repos.secondFactors.replaceRecoveryCodes('op_a', ['rc'], 1);
    await repos.ssoIdentities.link('https://idp.test', 'sub-op-a', 'op_a', 1);
    expect(await repos.operators.delete('op_member')).toBe(false);
    expect(await repos.operators.delete('absent')).toBe(false);
    expect(await unitOfWork(store, (uow) => uow.operators.delete('op_a'))).toBe(true);
    expect(await repos.operators.byId('op_a')).toBeUndefined();
    expect(await repos.sessions.byHash('op-a-session')).toBeUndefined();
    expect(await repos.secondFactors.totpFactor('op_a')).toBeUndefined();
    expect(await repos.secondFactors.recoveryCodesLeft('op_a')).toBe(0);
    expect(await repos.ssoIdentities.account('https://idp.test', 'sub-op-a')).toBeUndefined();
    expect(await repos.operators.count()).toBe(before + 1);
  });

  it('operators: countForUpdate() locks the operators (FOR UPDATE on PostgreSQL): a second "delete unless last" waits and counts what the first left', async () => {
    await seedAccount(store, 'op_lock_a', 1);
    const n = await repos.operators.count();
    const { result, waited } = await contend(
      store,
      (uow) => uow.operators.countForUpdate(),
      (uow) => uow.operators.delete('op_lock_a'),
      (uow) => uow.operators.countForUpdate(),
    );
    expect({ result, waited }).toEqual({ result: n - 1, waited: true });
  });

  it('operators: passwordHashForUpdate() locks the account: a second one waits and reads the hash the first wrote; undefined for no account', async () => {
    await seedAccount(store, 'op_pw', 1);
    const { result, waited } = await contend(
      store,
      async (uow) => expect(await uow.operators.passwordHashForUpdate('op_pw')).toBe('hash-op_pw'),
      (uow) => uow.operators.setPasswordHash('op_pw', 'changed'),
      (uow) => uow.operators.passwordHashForUpdate('op_pw'),
    );
    expect({ result, waited }).toEqual({ result: 'changed', waited: true });
    expect(await unitOfWork(store, (uow) => uow.operators.passwordHashForUpdate('absent'))).toBeUndefined();
  });

  it('second factors: savePendingTotp() replaces the factor; acceptTotpStep() confirms a pending one, then accepts only later steps (of concurrent accepts of one step exactly one wins); deleteAll()', async () => {
    await seedAccount(store, 'tf', 0);
    expect(await repos.secondFactors.totpFactor('tf')).toBeUndefined();
    await repos.secondFactors.savePendingTotp('tf', 'sealed-1', 1);
    await repos.secondFactors.savePendingTotp('tf', 'sealed-2', 2);
    expect(await repos.secondFactors.totpFactor('tf')).toEqual({
      accountId: 'tf',
      secretEnc: 'sealed-2',
      confirmed: false,
      lastStep: null,
    });
    // A pending factor is not accepted for sign-in; a confirmation of a confirmed one is refused.
    expect(await repos.secondFactors.acceptTotpStep('tf', 10, 3, false)).toBe(false);
    expect(await repos.secondFactors.acceptTotpStep('tf', 10, 3, true)).toBe(true);
    expect(await repos.secondFactors.acceptTotpStep('tf', 11, 3, true)).toBe(false);
    expect(await repos.secondFactors.totpFactor('tf')).toEqual({
      accountId: 'tf',
      secretEnc: 'sealed-2',
      confirmed: true,
      lastStep: 10,
    });
    expect(await repos.secondFactors.acceptTotpStep('tf', 10, 4, false)).toBe(false);
    expect(await repos.secondFactors.acceptTotpStep('tf', 9, 4, false)).toBe(false);
    const accepted = await Promise.all(
      Array.from({ length: 4 }, () => unitOfWork(store, (uow) => uow.secondFactors.acceptTotpStep('tf', 11, 5, false))),
    );
    expect(accepted.filter(Boolean)).toHaveLength(1);
    expect((await repos.secondFactors.totpFactor('tf'))!.lastStep).toBe(11);
    await repos.secondFactors.replaceRecoveryCodes('tf', ['c1'], 1);
    await repos.secondFactors.deleteAll('tf');
    expect(await repos.secondFactors.totpFactor('tf')).toBeUndefined();
    expect(await repos.secondFactors.recoveryCodesLeft('tf')).toBe(0);
  });

  it('second factors: replaceRecoveryCodes() replaces the set; useRecoveryCode() once per code (of concurrent uses exactly one wins); recoveryCodesLeft()', async () => {
    await seedAccount(store, 'rc', 0);
    await repos.secondFactors.replaceRecoveryCodes('rc', ['old'], 1);
    await unitOfWork(store, (uow) => uow.secondFactors.replaceRecoveryCodes('rc', ['d1', 'd2', 'd3'], 2));
    expect(await repos.secondFactors.recoveryCodesLeft('rc')).toBe(3);
    expect(await repos.secondFactors.useRecoveryCode('rc', 'old', 3)).toBe(false);
    const used = await Promise.all(Array.from({ length: 4 }, () => repos.secondFactors.useRecoveryCode('rc', 'd1', 3)));
    expect(used.filter(Boolean)).toHaveLength(1);
    expect(await repos.secondFactors.recoveryCodesLeft('rc')).toBe(2);
    expect(await repos.secondFactors.useRecoveryCode('tf-absent', 'd2', 3)).toBe(false);
    await repos.secondFactors.replaceRecoveryCodes('rc', [], 4);
    expect(await repos.secondFactors.recoveryCodesLeft('rc')).toBe(0);
  });

  it('second factors: setEnvironmentRequiresTotp() (false for no such environment); environmentRequiresTotp(); environmentsRequiringTotpOf() by slug, only where a member', async () => {
    const b = await seedEnvironment(store, 'totp-b');
    const a = await seedEnvironment(store, 'totp-a');
    const c = await seedEnvironment(store, 'totp-c');
    await seedAccount(store, 'totp_member', 0);
    for (const env of [a, b, c])
      await repos.memberships.upsert({ accountId: 'totp_member', environmentId: env, role: 'viewer', createdAt: 1 });
    expect(await repos.secondFactors.environmentRequiresTotp('totp-a')).toBe(false);
    expect(await repos.secondFactors.setEnvironmentRequiresTotp('totp-b', true)).toBe(true);
    expect(await repos.secondFactors.setEnvironmentRequiresTotp('totp-a', true)).toBe(true);
    expect(await repos.secondFactors.setEnvironmentRequiresTotp('absent', true)).toBe(false);
    expect(await repos.secondFactors.environmentRequiresTotp('totp-a')).toBe(true);
    expect(await repos.secondFactors.environmentRequiresTotp('absent')).toBe(false);
    expect(await repos.secondFactors.environmentsRequiringTotpOf('totp_member')).toEqual(['totp-a', 'totp-b']);
    expect(await repos.secondFactors.setEnvironmentRequiresTotp('totp-a', false)).toBe(true);
    expect(await repos.secondFactors.environmentsRequiringTotpOf('totp_member')).toEqual(['totp-b']);
    expect(await repos.secondFactors.environmentsRequiringTotpOf('absent')).toEqual([]);
  });

  it('SSO identities: link() is false when the pair is linked already (the first link stays, also under a race); a second subject of one issuer for an account is a unique violation; account() with its current email; linkedAt(); unlinkAll()', async () => {
    await seedAccount(store, 'sso_1', 0);
    await seedAccount(store, 'sso_2', 0);
    const linked = await Promise.all([
      repos.ssoIdentities.link('https://idp.test', 'sub-race', 'sso_1', 1),
      repos.ssoIdentities.link('https://idp.test', 'sub-race', 'sso_1', 1),
    ]);
    expect(linked.sort()).toEqual([false, true]);
    expect(await repos.ssoIdentities.link('https://idp.test', 'sub-race', 'sso_2', 2)).toBe(false);
    expect(await repos.ssoIdentities.account('https://idp.test', 'sub-race')).toEqual({
      id: 'sso_1',
      email: 'sso_1@store.test',
    });
    const second = await repos.ssoIdentities.link('https://idp.test', 'sub-other', 'sso_1', 2).catch((e: unknown) => e);
    expect(isUniqueViolation(second)).toBe(true);
    expect(await repos.ssoIdentities.link('https://other-idp.test', 'sub-race', 'sso_1', 2)).toBe(true);
    expect(await repos.ssoIdentities.linkedAt('sso_1', 'https://idp.test')).toBe(true);
    expect(await repos.ssoIdentities.linkedAt('sso_2', 'https://idp.test')).toBe(false);
    expect(await repos.ssoIdentities.account('https://idp.test', 'absent')).toBeUndefined();
    await unitOfWork(store, (uow) => uow.ssoIdentities.unlinkAll('sso_1'));
    expect(await repos.ssoIdentities.linkedAt('sso_1', 'https://idp.test')).toBe(false);
    expect(await repos.ssoIdentities.account('https://other-idp.test', 'sub-race')).toBeUndefined();
  });
});
