/**
 * Store contract (issue #24) of issued tokens, reusable tokens and signing keys: repository
 * methods called directly on SQLite and PostgreSQL, with the races they are written for (a
 * revocation waiting on `lockLive`'s share lock, concurrent `putReusable`, concurrent promotion).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { isUniqueViolation, type Repositories } from '../../src/store/repositories/index.js';
import { repositories, unitOfWork } from '../../src/store/unit-of-work.js';
import type { IssuedTokenTable, SigningKeyTable, TokenReuseTable } from '../../src/store/schema.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { contend, openStoreOf, seedEnvironment, seedIntegration, type OpenStore } from './helpers.js';

describe.each(STORE_KINDS)('store contract: tokens and signing keys (%s)', (kind) => {
  let open: OpenStore;
  let store: Store;
  let repos: Repositories;
  let envId: string;
  beforeAll(async () => {
    open = await openStoreOf(kind);
    store = open.store;
    repos = repositories(store);
    envId = await seedEnvironment(store, 'tokens');
    for (const id of ['i-1', 'i-2', 'i-3', 'i-4', 'i-5']) await seedIntegration(store, envId, id);
  });
  afterAll(() => open.close());

  const token = (jti: string, extra: Partial<IssuedTokenTable> = {}): IssuedTokenTable => ({
    jti,
    integration_id: 'i-1',
    environment_id: envId,
    audience: 'urn:a',
    scope: 'read',
    kid: 'kid',
    issued_at: 100,
    expires_at: 200,
    revoked_at: null,
    ...extra,
  });
  const reuse = (key: string, extra: Partial<TokenReuseTable> = {}): TokenReuseTable => ({
    reuse_key: key,
    integration_id: 'i-1',
    jti: `${key}-jti`,
    token_enc: 'sealed',
    scope: 'read',
    expires_at: 200,
    refresh_at: 150,
    ...extra,
  });

  it('insertIssued() and state() (undefined when never issued; a duplicate jti is a unique violation); mintsSince() counts mints strictly after `since` with the oldest; revokedJtis() lists revoked, unexpired ones', async () => {
    await repos.tokens.insertIssued(token('t-1', { integration_id: 'i-2', issued_at: 100 }));
    await repos.tokens.insertIssued(
      token('t-2', { integration_id: 'i-2', issued_at: 101, revoked_at: 150, expires_at: 201 }),
    );
    await repos.tokens.insertIssued(
      token('t-3', {
        integration_id: 'i-2',
        issued_at: 102,
        revoked_at: 150,
        expires_at: 160,
        parent_jti: 't-1',
        subject_type: 'customer',
        subject_ref: 'c',
      }),
    );
    expect(await repos.tokens.state('t-1')).toEqual({
      integration_id: 'i-2',
      revoked_at: null,
      expires_at: 200,
      parent_jti: null,
      subject_type: null,
    });
    expect(await repos.tokens.state('t-3')).toEqual({
      integration_id: 'i-2',
      revoked_at: 150,
      expires_at: 160,
      parent_jti: 't-1',
      subject_type: 'customer',
    });
    expect(await repos.tokens.state('absent')).toBeUndefined();
    expect(isUniqueViolation(await repos.tokens.insertIssued(token('t-1')).catch((e: unknown) => e))).toBe(true);

    expect(await repos.tokens.mintsSince('i-2', 99)).toEqual({ count: 3, oldest: 100 });
    expect(await repos.tokens.mintsSince('i-2', 100)).toEqual({ count: 2, oldest: 101 });
    expect((await repos.tokens.mintsSince('i-2', 102)).count).toBe(0);

    const revoked = await repos.tokens.revokedJtis(159);
    expect(revoked.filter((j) => j.startsWith('t-')).sort()).toEqual(['t-2', 't-3']);
    // Expiring exactly now: no longer listed.
    expect((await repos.tokens.revokedJtis(160)).filter((j) => j.startsWith('t-'))).toEqual(['t-2']);
  });

  it('putReusable() writes unless the key holds a token still fresh at now (refresh_at > now); of concurrent writers for one key exactly one wins; reusable() reads it back', async () => {
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((v) => repos.tokens.putReusable(reuse('r-race', { token_enc: v }), 100)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = ['a', 'b', 'c', 'd'][results.indexOf(true)];
    expect(await repos.tokens.reusable('r-race')).toEqual(reuse('r-race', { token_enc: winner }));
    // Still fresh just before refresh_at: kept.
    expect(await repos.tokens.putReusable(reuse('r-race', { token_enc: 'late' }), 149)).toBe(false);
    // At refresh_at it is replaced.
    expect(
      await repos.tokens.putReusable(reuse('r-race', { token_enc: 'new', refresh_at: 300, expires_at: 400 }), 150),
    ).toBe(true);
    expect(await repos.tokens.reusable('r-race')).toMatchObject({ token_enc: 'new', refresh_at: 300, expires_at: 400 });
    expect(await repos.tokens.reusable('absent')).toBeUndefined();
  });

  it('revoke() revokes a token and every token exchanged from it at any depth, and drops them as reusable tokens; siblings are untouched', async () => {
    await repos.tokens.insertIssued(token('rv-root'));
    await repos.tokens.insertIssued(token('rv-child', { parent_jti: 'rv-root' }));
    await repos.tokens.insertIssued(token('rv-grandchild', { parent_jti: 'rv-child' }));
    await repos.tokens.insertIssued(token('rv-sibling'));
    await repos.tokens.putReusable(reuse('rv-reuse', { jti: 'rv-grandchild' }), 0);
    await repos.tokens.putReusable(reuse('rv-reuse-root', { jti: 'rv-root' }), 0);
    await unitOfWork(store, (uow) => uow.tokens.revoke('rv-root', 170));
    for (const jti of ['rv-root', 'rv-child', 'rv-grandchild'])
      expect((await repos.tokens.state(jti))!.revoked_at).toBe(170);
    expect((await repos.tokens.state('rv-sibling'))!.revoked_at).toBeNull();
    expect(await repos.tokens.reusable('rv-reuse')).toBeUndefined();
    expect(await repos.tokens.reusable('rv-reuse-root')).toBeUndefined();
  });

  it('revokeOfIntegration() revokes the unrevoked tokens of one integration (unexpired only when asked, for some audiences when given) and their descendants, counting both', async () => {
    await repos.tokens.insertIssued(token('ri-a', { integration_id: 'i-3', audience: 'urn:a' }));
    await repos.tokens.insertIssued(token('ri-b', { integration_id: 'i-3', audience: 'urn:b' }));
    await repos.tokens.insertIssued(token('ri-expired', { integration_id: 'i-3', audience: 'urn:a', expires_at: 150 }));
    await repos.tokens.insertIssued(token('ri-revoked', { integration_id: 'i-3', revoked_at: 120 }));
    await repos.tokens.insertIssued(token('ri-a-child', { integration_id: 'i-4', parent_jti: 'ri-a' }));
    await repos.tokens.insertIssued(token('ri-other', { integration_id: 'i-4' }));

    expect(
      await unitOfWork(store, (uow) =>
        uow.tokens.revokeOfIntegration('i-3', 150, { unexpiredOnly: true, audiences: ['urn:a'] }),
      ),
    ).toBe(2);
    expect((await repos.tokens.state('ri-a'))!.revoked_at).toBe(150);
    expect((await repos.tokens.state('ri-a-child'))!.revoked_at).toBe(150);
    expect((await repos.tokens.state('ri-expired'))!.revoked_at).toBeNull();
    expect((await repos.tokens.state('ri-b'))!.revoked_at).toBeNull();

    expect(await repos.tokens.revokeOfIntegration('i-3', 151, { unexpiredOnly: false })).toBe(2);
    expect((await repos.tokens.state('ri-expired'))!.revoked_at).toBe(151);
    expect((await repos.tokens.state('ri-b'))!.revoked_at).toBe(151);
    expect((await repos.tokens.state('ri-revoked'))!.revoked_at).toBe(120);
    expect((await repos.tokens.state('ri-other'))!.revoked_at).toBeNull();
    expect(await repos.tokens.revokeOfIntegration('i-3', 152, { unexpiredOnly: false })).toBe(0);
  });

  it('revokeOfIntegration() with no audiences revokes nothing, on both dialects', async () => {
    await repos.tokens.insertIssued(token('ri-none', { integration_id: 'i-3' }));
    expect(await repos.tokens.revokeOfIntegration('i-3', 150, { unexpiredOnly: true, audiences: [] })).toBe(0);
    expect((await repos.tokens.state('ri-none'))!.revoked_at).toBeNull();
  });

  it("revokeDerivedFromIntegration() revokes only the tokens exchanged from the integration's tokens (any depth), not its own", async () => {
    await repos.tokens.insertIssued(token('rd-own', { integration_id: 'i-5' }));
    await repos.tokens.insertIssued(token('rd-child', { integration_id: 'i-4', parent_jti: 'rd-own' }));
    await repos.tokens.insertIssued(token('rd-grandchild', { integration_id: 'i-4', parent_jti: 'rd-child' }));
    expect(await unitOfWork(store, (uow) => uow.tokens.revokeDerivedFromIntegration('i-5', 160))).toBe(2);
    expect((await repos.tokens.state('rd-own'))!.revoked_at).toBeNull();
    expect((await repos.tokens.state('rd-grandchild'))!.revoked_at).toBe(160);
    expect(await repos.tokens.revokeDerivedFromIntegration('i-5', 161)).toBe(0);
  });

  it('revokeExchangedForCustomers() revokes the tokens exchanged for customers of an environment (one customer when given) with their descendants and drops them as reusable tokens', async () => {
    const other = await seedEnvironment(store, 'tokens-other');
    const cust = (jti: string, ref: string, extra: Partial<IssuedTokenTable> = {}) =>
      token(jti, { subject_type: 'customer', subject_ref: ref, ...extra });
    await repos.tokens.insertIssued(cust('rc-alice', 'alice'));
    await repos.tokens.insertIssued(cust('rc-bob', 'bob'));
    await repos.tokens.insertIssued(token('rc-bob-child', { parent_jti: 'rc-bob' }));
    await repos.tokens.insertIssued(cust('rc-other-env', 'bob', { environment_id: other }));
    await repos.tokens.insertIssued(token('rc-integration', { subject_type: 'integration', subject_ref: 'i-1' }));
    await repos.tokens.putReusable(reuse('rc-reuse-bob', { jti: 'rc-bob' }), 0);

    expect(await unitOfWork(store, (uow) => uow.tokens.revokeExchangedForCustomers(envId, 'bob', 170))).toBe(2);
    expect((await repos.tokens.state('rc-bob-child'))!.revoked_at).toBe(170);
    expect((await repos.tokens.state('rc-alice'))!.revoked_at).toBeNull();
    expect((await repos.tokens.state('rc-other-env'))!.revoked_at).toBeNull();
    expect(await repos.tokens.reusable('rc-reuse-bob')).toBeUndefined();

    expect(await repos.tokens.revokeExchangedForCustomers(envId, undefined, 171)).toBe(1);
    expect((await repos.tokens.state('rc-alice'))!.revoked_at).toBe(171);
    expect((await repos.tokens.state('rc-integration'))!.revoked_at).toBeNull();
  });

  it('lockLive() is true for an issued, unrevoked token (false when revoked or absent); its share lock makes a revocation wait for an exchange deriving a token, which the revocation then revokes too', async () => {
    await repos.tokens.insertIssued(token('ll-root'));
    await repos.tokens.insertIssued(token('ll-revoked', { revoked_at: 1 }));
    expect(await repos.tokens.lockLive('ll-revoked')).toBe(false);
    expect(await repos.tokens.lockLive('absent')).toBe(false);
    const { result, waited } = await contend(
      store,
      async (uow) => expect(await uow.tokens.lockLive('ll-root')).toBe(true),
      (uow) => uow.tokens.insertIssued(token('ll-derived', { parent_jti: 'll-root' })),
      async (uow) => {
        await uow.tokens.revoke('ll-root', 180);
        return uow.tokens.state('ll-derived');
      },
    );
    expect(waited).toBe(true);
    expect(result!.revoked_at).toBe(180);
  });

  it('purgeIssued() and purgeReusable() delete rows expired strictly before `before` and count them', async () => {
    await repos.tokens.insertIssued(token('pg-old', { expires_at: 10 }));
    await repos.tokens.insertIssued(token('pg-edge', { expires_at: 11 }));
    await repos.tokens.putReusable(reuse('pg-r-old', { expires_at: 10, refresh_at: 5 }), 0);
    await repos.tokens.putReusable(reuse('pg-r-edge', { expires_at: 11, refresh_at: 5 }), 0);
    expect(await repos.tokens.purgeIssued(11)).toBe(1);
    expect(await repos.tokens.state('pg-old')).toBeUndefined();
    expect(await repos.tokens.state('pg-edge')).toBeDefined();
    expect(await repos.tokens.purgeReusable(11)).toBe(1);
    expect(await repos.tokens.reusable('pg-r-old')).toBeUndefined();
    expect(await repos.tokens.reusable('pg-r-edge')).toBeDefined();
  });

  it('signing keys: activeKid(); insert() (a second active key is a unique violation); published() lists keys unexpired at now, newest first; dueNextKid() from activates_at on; promote() retires the active key and is won by exactly one of two concurrent promoters; deleteNext()', async () => {
    const key = (kid: string, extra: Partial<SigningKeyTable>): SigningKeyTable => ({
      kid,
      alg: 'ES256',
      public_jwk: '{}',
      private_jwk_enc: 'sealed',
      state: 'next',
      created_at: 5_000_000_000,
      activates_at: 5_000_000_100,
      retired_at: null,
      expires_at: null,
      ...extra,
    });
    const initial = (await repos.signingKeys.activeKid())!;
    expect(initial).toBeTruthy();
    const second = await repos.signingKeys.insert(key('sk-active-2', { state: 'active' })).catch((e: unknown) => e);
    expect(isUniqueViolation(second)).toBe(true);

    await repos.signingKeys.insert(key('sk-next', {}));
    await repos.signingKeys.insert(
      key('sk-expired', { state: 'retiring', created_at: 4_000_000_000, expires_at: 4_000_000_001 }),
    );
    expect(await repos.signingKeys.dueNextKid(5_000_000_099)).toBeUndefined();
    expect(await repos.signingKeys.dueNextKid(5_000_000_100)).toBe('sk-next');
    const published = (await repos.signingKeys.published(4_000_000_000)).map((k) => k.kid);
    expect(published.slice(0, 1)).toEqual(['sk-next']);
    expect(published).toContain(initial);
    expect(published).toContain('sk-expired');
    expect((await repos.signingKeys.published(4_000_000_001)).map((k) => k.kid)).not.toContain('sk-expired');

    const promoted = await Promise.all([
      unitOfWork(store, (uow) => uow.signingKeys.promote('sk-next', 5_000_000_100, 5_000_000_900)),
      unitOfWork(store, (uow) => uow.signingKeys.promote('sk-next', 5_000_000_100, 5_000_000_900)),
    ]);
    expect(promoted.sort()).toEqual([false, true]);
    expect(await repos.signingKeys.activeKid()).toBe('sk-next');
    const old = (await repos.signingKeys.published(5_000_000_899)).find((k) => k.kid === initial)!;
    expect(old).toMatchObject({ state: 'retiring', retired_at: 5_000_000_100, expires_at: 5_000_000_900 });
    expect((await repos.signingKeys.published(5_000_000_900)).map((k) => k.kid)).not.toContain(initial);
    expect(await repos.signingKeys.dueNextKid(5_000_000_100)).toBeUndefined();

    await repos.signingKeys.insert(key('sk-next-2', {}));
    await repos.signingKeys.deleteNext();
    expect(await repos.signingKeys.dueNextKid(6_000_000_000)).toBeUndefined();
    expect(await repos.signingKeys.activeKid()).toBe('sk-next');
  });
});
