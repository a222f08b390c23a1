/**
 * Console single sign-on with an external OpenID Connect provider (OpenID Connect Core 1.0 §3.1,
 * authorization code flow) through `openid-client`:
 * - every request uses PKCE S256 (RFC 7636), a fresh `state` and a fresh `nonce`;
 * - the three live in a short-lived cookie sealed with the master key (AES-256-GCM), bound to the
 *   browser that started the sign-in; the cookie is cleared on the way back;
 * - the ID token's `iss`, `aud`, `nonce`, `exp` and `iat` are checked by openid-client; the code
 *   is single use at the provider, so a replayed code fails the exchange;
 * - the answer is the provider's identity (`iss`, `sub`, the asserted email); which account it
 *   signs in is services/sso-accounts.ts's, and the session is opened by the sign-in pipeline
 *   (services/sign-in.ts).
 * @packageDocumentation
 */
import * as oidc from 'openid-client';
import type { Context } from '../context.js';
import type { SsoConfig } from '../config/config.js';
import { nowSeconds } from '../clock.js';

/** How long a started SSO sign-in may take, seconds (10 min). */
export const SSO_LOGIN_LIFETIME = 600;
const AAD = 'sso-login';

/** Why an SSO sign-in was refused (the console shows it; no detail of the provider's answer). */
export type SsoRefusal =
  | 'invalid_state'
  | 'provider_error'
  | 'invalid_response'
  | 'email_unverified'
  | 'domain_not_allowed'
  | 'no_account'
  | 'provider_unavailable'
  | 'too_many_attempts';

/** Thrown when an SSO sign-in is refused. */
export class SsoRefused extends Error {
  constructor(
    readonly reason: SsoRefusal,
    cause?: unknown,
  ) {
    super(`SSO sign-in refused: ${reason}`, { cause });
  }
}

/** What the provider asserted about the person signing in (OpenID Connect Core §2, §5.1). */
export interface SsoIdentity {
  /** The ID token's `iss`. */
  issuer: string;
  /** The ID token's `sub`: stable for one person at one provider. */
  subject: string;
  /** The asserted `email`, as given (not normalized), when it is a string. */
  email: string | undefined;
  /** `email_verified` is `true`. */
  emailVerified: boolean;
}

/** The provider's configuration, discovered once per process (retried after a failure). */
export class SsoClient {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(private readonly sso: SsoConfig) {}

  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(
        new URL(this.sso.issuer),
        this.sso.clientId,
        this.sso.clientSecret === undefined ? { token_endpoint_auth_method: 'none' } : this.sso.clientSecret,
        undefined,
        {
          timeout: 5,
          ...(this.sso.allowHttp && { execute: [oidc.allowInsecureRequests] }),
        },
      )
      .catch((err: unknown) => {
        this.discovered = undefined;
        throw new SsoRefused('provider_unavailable', err);
      });
    return this.discovered;
  }

  /**
   * Starts a sign-in.
   * @returns the provider URL to send the browser to, and the sealed cookie value that binds the
   *   browser to this sign-in (state, nonce, PKCE verifier, expiry).
   * @throws SsoRefused `provider_unavailable` when the provider's metadata can't be fetched.
   */
  async start(ctx: Context): Promise<{ url: string; cookie: string }> {
    const config = await this.configuration();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.sso.redirectUri,
      scope: 'openid email',
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const cookie = ctx.sealer.seal(
      JSON.stringify({ s: state, n: nonce, v: verifier, e: nowSeconds(ctx.clock) + SSO_LOGIN_LIFETIME }),
      AAD,
    );
    return { url: url.href, cookie };
  }

  /**
   * Finishes a sign-in: checks the callback against the cookie, exchanges the code and checks the
   * ID token.
   * @param query - the callback's query string (without `?`).
   * @returns the identity the provider asserted.
   * @throws SsoRefused for a wrong state, a provider error, an invalid answer.
   */
  async finish(ctx: Context, cookie: string | undefined, query: string): Promise<SsoIdentity> {
    const login = this.openCookie(ctx, cookie);
    const config = await this.configuration();
    const callback = new URL(this.sso.redirectUri);
    callback.search = query;
    let claims: Record<string, unknown>;
    let issuer: string;
    let subject: string;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: login.v,
        expectedState: login.s,
        expectedNonce: login.n,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new SsoRefused('invalid_response');
      claims = idToken;
      issuer = idToken.iss;
      subject = idToken.sub;
      // Providers that follow OpenID Connect Core §5.4 strictly put `email` in the UserInfo answer only.
      if (claims.email === undefined)
        claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)), sub: idToken.sub };
    } catch (err) {
      if (err instanceof SsoRefused) throw err;
      throw new SsoRefused(refusalOf(err), err);
    }
    if (issuer.length > 2048 || !subject || subject.length > 255) throw new SsoRefused('invalid_response');
    return {
      issuer,
      subject,
      email: typeof claims.email === 'string' ? claims.email : undefined,
      emailVerified: claims.email_verified === true,
    };
  }

  private openCookie(ctx: Context, cookie: string | undefined): { s: string; n: string; v: string } {
    if (!cookie || cookie.length > 2048) throw new SsoRefused('invalid_state');
    try {
      const value = JSON.parse(ctx.sealer.open(cookie, AAD)) as { s?: unknown; n?: unknown; v?: unknown; e?: unknown };
      if (
        typeof value.s === 'string' &&
        typeof value.n === 'string' &&
        typeof value.v === 'string' &&
        typeof value.e === 'number' &&
        value.e > nowSeconds(ctx.clock)
      ) {
        return { s: value.s, n: value.n, v: value.v };
      }
    } catch {
      // tampered, or sealed under another key
    }
    throw new SsoRefused('invalid_state');
  }
}

function refusalOf(err: unknown): SsoRefusal {
  if (err instanceof oidc.AuthorizationResponseError || err instanceof oidc.ResponseBodyError) return 'provider_error';
  // openid-client wraps oauth4webapi's error, whose message names the parameter that failed.
  const messages = [err, err instanceof Error ? err.cause : undefined].map((e) =>
    e instanceof Error ? e.message : '',
  );
  return messages.some((m) => /response parameter value/.test(m) && /"state"/.test(m))
    ? 'invalid_state'
    : 'invalid_response';
}
