/**
 * What authentication needs of the running server, as narrow interfaces: the runtime
 * (runtime.ts's `Runtime`) satisfies {@link AuthRuntime} structurally, so auth/ sits below the
 * routes, the services and the token machinery and imports none of them.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import type { Directory } from '../cache/directory.js';
import type { BearerPrincipal } from './principal.js';
import type { JwksFetcher } from './jwks-fetcher.js';
import type { AuthFactor, SecondFactorFacts } from './second-factor.js';

/** Longest accepted access token, characters: anything longer is refused before any crypto (C-44). */
export const MAX_TOKEN_LENGTH = 8000;

/** Verifies a bearer token (tokens/bearer-verifier.ts). */
export interface TokenVerifier {
  /** @throws InvalidToken (401) for anything but a valid, unexpired, unrevoked token. */
  verify(token: string): Promise<BearerPrincipal>;
}

/** A live console session, as authentication sees it. */
export interface LiveSession {
  readonly adminId: string;
  readonly email: string;
  /** How the session was opened: `password`, `password+totp` or `sso`. */
  readonly authMethod: 'password' | 'password+totp' | 'sso';
  /** The factors the session was opened with (RFC 8176 values: auth/second-factor.ts). */
  readonly amr: readonly AuthFactor[];
  /** The account's second-factor facts now (read from the store on each call). @throws store errors (503). */
  secondFactorFacts(): Promise<SecondFactorFacts>;
  /** True for an operator (server-wide); false for a member account (read with the session, now). */
  readonly operator: boolean;
  /** True when `given` is this session's CSRF token (compared in constant time). */
  csrfMatches(given: string | undefined): boolean;
  /** The session's CSRF token, for the routes that answer it to its own browser. */
  readonly csrfToken: string;
  /** The cookie value that found the session (the store keeps only its digest). */
  readonly cookie: string;
}

/** Finds console sessions (services/sessions.ts). */
export interface SessionLookup {
  /** The unexpired session whose cookie holds `value`, or undefined. @throws store errors (503). */
  find(value: string): Promise<LiveSession | undefined>;
}

/** Memberships of console accounts (services/members.ts), read on current state per request. */
export interface MembershipLookup {
  /** The role of `accountId` in `environmentId` now, or undefined. @throws store errors (503). */
  role(accountId: string, environmentId: string): Promise<string | undefined>;
}

/** Notes integrations' uses in memory (services/usage-ledger.ts writes them in batches). */
export interface UsageRecorder {
  /** Notes that integration `id` (internal id) was used now. Never waits, never writes. */
  touch(id: string): void;
}

/** The parts of the runtime authentication uses. */
export interface AuthRuntime {
  readonly ctx: Context;
  readonly directory: Directory;
  readonly verifier: TokenVerifier;
  readonly jwks: JwksFetcher;
  readonly sessions: SessionLookup;
  /** Where an authenticated integration's API call is noted as a use (issue #19). */
  readonly usage: UsageRecorder;
}

/** What resolving a member account's role in the path's environment needs (auth/membership.ts). */
export interface MemberRuntime extends AuthRuntime {
  readonly memberships: MembershipLookup;
}
