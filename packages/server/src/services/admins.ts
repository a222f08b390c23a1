/**
 * Console administrators: created by `gatehouse admin create`, signed in with an email and a
 * password. Only an Argon2id hash of the password is stored (OWASP ASVS 5.0 §11.4: memory-hard
 * hashing; parameters m = 19 MiB, t = 2, p = 1).
 * @packageDocumentation
 */
import { hash, verify } from '@node-rs/argon2';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { Conflict, InvalidInput } from '../errors/domain-errors.js';
import { assertStrongPassword } from './password-strength.js';
import { isUniqueViolation } from '../store/repositories/queryable.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';
import { generateId } from './secrets.js';

/** Shortest accepted password, characters (ASVS 5.0 §6.2.1 asks for at least 8). */
export const MIN_PASSWORD_LENGTH = 12;
/** Longest accepted password, characters (bounds the hashing work). */
export const MAX_PASSWORD_LENGTH = 1024;

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;
// Argon2id (the library's default algorithm) at OWASP's minimum recommendation.
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** An administrator as the CLI shows it (never the hash). */
export interface AdminView {
  id: string;
  email: string;
  created_at: string;
}

/**
 * An email as stored and compared: trimmed, ASCII letters A-Z lowered and nothing else. No Unicode
 * case folding: `toLowerCase()` would turn U+212A (Kelvin sign) into `k` and U+0130 into `i̇`, so
 * an identity provider's `\u212Aate@…` would match `kate@…` (docs/security.md K-98).
 */
export function normalizeEmail(email: string): string {
  return email.trim().replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

/** True when an email is all ASCII (only such emails are matched against accounts by single sign-on). */
export function isAsciiEmail(email: string): boolean {
  return /^[\x21-\x7e]+$/.test(email);
}

/**
 * Creates a console administrator.
 * @param password plain text; only its Argon2id hash is kept.
 * @throws InvalidInput `invalid_request` for a malformed email, a password shorter than
 *   {@link MIN_PASSWORD_LENGTH} (or longer than {@link MAX_PASSWORD_LENGTH}) or one that is easy
 *   to guess (see `assertStrongPassword`); 409 `conflict` when the email is taken.
 */
export async function createAdmin(ctx: Context, actor: Actor, email: string, password: string): Promise<AdminView> {
  const normalized = normalizeEmail(email);
  if (!EMAIL.test(normalized)) throw new InvalidInput('email must look like name@example.com');
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidInput(`the password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  await assertStrongPassword(password, [normalized, ...normalized.split(/[@.]/)]);
  const id = `adm_${generateId(12)}`;
  const now = nowSeconds(ctx.clock);
  const passwordHash = await hash(password, ARGON2);
  try {
    await unitOfWork(ctx.store, async (uow) => {
      await uow.admins.insert({ id, email: normalized, password_hash: passwordHash, created_at: now });
      await uow.audit(actor, { environmentId: null, action: 'admin.create', target: normalized }, ctx.clock.now());
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`an administrator ${normalized} exists`);
    throw err;
  }
  return { id, email: normalized, created_at: new Date(now * 1000).toISOString() };
}

/**
 * Checks a new password for `email` against the same rules as {@link createAdmin} and hashes it
 * (Argon2id).
 * @throws InvalidInput `invalid_request` for a password that is too short, too long or easy to guess.
 */
export async function hashNewPassword(email: string, password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidInput(`the password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  const normalized = normalizeEmail(email);
  await assertStrongPassword(password, [normalized, ...normalized.split(/[@.]/)]);
  return hash(password, ARGON2);
}

/** True when `password` matches the Argon2id `stored` hash. */
export async function passwordMatches(stored: string, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  return verify(stored, password).catch(() => false);
}

let dummyHash: Promise<string> | undefined;

/**
 * The administrator whose email and password these are, or undefined. An unknown email costs the
 * same hashing work as a wrong password, so timing doesn't tell which emails exist.
 */
export async function verifyAdminPassword(
  ctx: Context,
  email: string,
  password: string,
): Promise<{ id: string; email: string } | undefined> {
  const normalized = normalizeEmail(email);
  const row =
    password.length <= MAX_PASSWORD_LENGTH ? await repositories(ctx.store).admins.byEmail(normalized) : undefined;
  dummyHash ??= hash(generateId(24), ARGON2);
  const stored = row?.password_hash ?? (await dummyHash);
  const ok = await verify(stored, password.slice(0, MAX_PASSWORD_LENGTH)).catch(() => false);
  return row && ok ? { id: row.id, email: row.email } : undefined;
}

/**
 * Checks a new console password for the account `email` (length, and strength as for
 * administrators) and hashes it with Argon2id, for a member account created by an invitation.
 * @returns the Argon2id hash.
 * @throws InvalidInput `invalid_request` for a password too short, too long or easy to guess.
 */
export async function newPasswordHash(email: string, password: string): Promise<string> {
  const normalized = normalizeEmail(email);
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidInput(`the password must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  await assertStrongPassword(password, [normalized, ...normalized.split(/[@.]/)]);
  return hash(password, ARGON2);
}
