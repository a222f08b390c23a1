/**
 * Operator accounts (#19 item 1): list, delete, change a password. Rules:
 * - the last operator is never deleted (409 `conflict`);
 * - an operator can't delete itself from the console or the API (409 `conflict`: ask another
 *   operator, or use `gatehouse admin delete` on the server), so nobody locks themselves out by a
 *   misclick; the CLI, which acts on the store directly, may delete any but the last;
 * - changing one's own password through the API needs the current one; every other session of
 *   the account ends.
 * @packageDocumentation
 */
import type { Actor, Context } from '../context.js';
import { Conflict, Forbidden, NotFound } from '../errors/domain-errors.js';
import { hashNewPassword, normalizeEmail, passwordMatches } from './admins.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';

/** An operator as the API and CLI show it. */
export interface OperatorView {
  id: string;
  email: string;
  /** ISO 8601. */
  created_at: string;
  /** True when the operator has a confirmed TOTP factor. */
  totp: boolean;
}

/** Every operator, oldest first. */
export async function listOperatorViews(ctx: Context): Promise<OperatorView[]> {
  return (await repositories(ctx.store).operators.list()).map((o) => ({
    id: o.id,
    email: o.email,
    created_at: new Date(o.createdAt * 1000).toISOString(),
    totp: o.totp,
  }));
}

/**
 * The id of the operator named by `idOrEmail` (an `adm_…` id or an email).
 * @throws NotFound (404) when there is none.
 */
export async function resolveOperator(
  ctx: Context,
  idOrEmail: string,
  opts: { operatorsOnly?: boolean } = {},
): Promise<{ id: string; email: string }> {
  const operators = repositories(ctx.store).operators;
  const found =
    idOrEmail.length > 320
      ? undefined
      : idOrEmail.includes('@')
        ? await operators.accountByEmail(normalizeEmail(idOrEmail))
        : await operators.byId(idOrEmail);
  if (!found || (opts.operatorsOnly && Number(found.operator) !== 1)) throw new NotFound('operator');
  return { id: found.id, email: found.email };
}

/**
 * Deletes an operator, its sessions and its second factors.
 * @param self - the id of the operator asking, when asked through the API (it may not delete itself).
 * @throws NotFound (404); Conflict (409) for the last operator or oneself.
 */
export async function removeOperator(ctx: Context, actor: Actor, idOrEmail: string, self?: string): Promise<void> {
  const target = await resolveOperator(ctx, idOrEmail, { operatorsOnly: true });
  if (self !== undefined && target.id === self)
    throw new Conflict('an operator cannot delete itself; ask another operator');
  await unitOfWork(ctx.store, async (uow) => {
    // Counted with the operators' rows locked (PostgreSQL): two deletions at once can't both count two.
    if ((await uow.operators.countForUpdate()) <= 1) throw new Conflict('the last operator cannot be deleted');
    if (!(await uow.operators.delete(target.id))) throw new NotFound('operator');
    await uow.audit(actor, { environmentId: null, action: 'admin.delete', target: target.email }, ctx.clock.now());
  });
}

/**
 * Sets an operator's password. Every session of the operator ends except `keepSessionHash`.
 * @param current - the current password, required (and checked) when an operator changes its own.
 * @throws NotFound (404); InvalidInput (400) for a weak password; Forbidden
 *   `invalid_credentials` (403) when `current` is given and wrong.
 */
export async function setOperatorPassword(
  ctx: Context,
  actor: Actor,
  idOrEmail: string,
  password: string,
  opts: { current?: string; keepSessionHash?: string } = {},
): Promise<void> {
  const target = await resolveOperator(ctx, idOrEmail);
  // The slow checks (Argon2id) run before the unit of work; inside it the password must still be
  // the one the current password was checked against (docs/security.md K-100).
  let checked: string | undefined;
  if (opts.current !== undefined) {
    const row = await repositories(ctx.store).operators.byId(target.id);
    if (!row || !(await passwordMatches(row.passwordHash, opts.current)))
      throw new Forbidden('the current password is wrong', 'invalid_credentials');
    checked = row.passwordHash;
  }
  const passwordHash = await hashNewPassword(target.email, password);
  await unitOfWork(ctx.store, async (uow) => {
    const stored = await uow.operators.passwordHashForUpdate(target.id);
    if (stored === undefined) throw new NotFound('operator');
    if (checked !== undefined && stored !== checked)
      throw new Forbidden('the current password is wrong', 'invalid_credentials');
    await uow.operators.setPasswordHash(target.id, passwordHash, opts.keepSessionHash);
    await uow.audit(
      actor,
      { environmentId: null, action: 'admin.set_password', target: target.email },
      ctx.clock.now(),
    );
  });
}

/**
 * True when the account has a password someone knows (false for an account provisioned by single
 * sign-on, and for an unknown id): whether changing its second factor asks for it (ASVS 5.0 7.5.1).
 */
export async function accountHasPassword(ctx: Context, accountId: string): Promise<boolean> {
  return (await repositories(ctx.store).operators.byId(accountId))?.passwordSet ?? false;
}
