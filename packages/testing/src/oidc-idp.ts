/**
 * A real OpenID Connect provider for SSO tests: node-oidc-provider 9 on an ephemeral port, with its
 * development login form (any password; the login names an account of {@link IdpAccount}), consent
 * granted automatically, PKCE required, and an RS256 key the test holds so it can forge ID tokens
 * (another `iss`, `aud` or `nonce`) that still carry a valid signature.
 */
// oidc-provider 9 ships no types; the bench workspace declares the little of it used here.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- a file of ambient module declarations cannot be imported
/// <reference path="../../../bench/src/types/vendor.d.ts" />
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';

/** What the provider asserts about a login name. */
export interface IdpAccount {
  email: string;
  email_verified: boolean;
}

/** A change made to the next ID tokens the token endpoint returns (re-signed with the provider's key). */
export type IdTokenTamper = ((claims: Record<string, unknown>) => Record<string, unknown>) | undefined;

/** A running provider. */
export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, IdpAccount>;
  /** Set to rewrite the claims of ID tokens from now on; undefined to stop. */
  tamper: IdTokenTamper;
  /** `code_challenge_method` of every authorization request seen, in order. */
  challengeMethods: (string | null)[];
  close(): Promise<void>;
}

interface KoaContext {
  path: string;
  method: string;
  query: Record<string, string>;
  body: unknown;
  oidc: {
    client: { clientId: string };
    session: { accountId: string };
    provider: {
      Grant: new (init: { clientId: string; accountId: string }) => {
        addOIDCScope(s: string): void;
        save(): Promise<string>;
      };
    };
  };
}

/**
 * Starts a provider that knows one client with `redirectUri`.
 * @param accounts - login name → claims; other login names get no email.
 */
export async function startIdp(redirectUris: string[], accounts: Record<string, IdpAccount> = {}): Promise<TestIdp> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = 'test-idp-rs256';
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  let handle: Parameters<typeof createServer>[1] = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer((req, res) => handle!(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp: TestIdp = {
    issuer,
    clientId: 'gatehouse-console',
    clientSecret: 'a-client-secret-of-the-test-provider',
    accounts: new Map(Object.entries(accounts)),
    tamper: undefined,
    challengeMethods: [],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: idp.clientId,
        client_secret: idp.clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    cookies: { keys: ['a-cookie-key-of-the-test-provider'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx: unknown, id: string) {
      return { accountId: id, claims: async () => ({ sub: id, ...idp.accounts.get(id) }) };
    },
    // Consent is not what these tests are about: grant openid + email to the one client.
    async loadExistingGrant(ctx: KoaContext) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  });
  (provider as unknown as { use(fn: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void }).use(
    async (ctx, next) => {
      if (ctx.path === '/auth') idp.challengeMethods.push(ctx.query.code_challenge_method ?? null);
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.path === '/token' && idp.tamper && body?.id_token)
        body.id_token = await resign(body.id_token, idp.tamper, privateKey);
    },
  );
  handle = provider.callback();
  return idp;
}

async function resign(idToken: string, tamper: NonNullable<IdTokenTamper>, key: KeyObject): Promise<string> {
  const header = decodeProtectedHeader(idToken);
  return new SignJWT(tamper({ ...decodeJwt(idToken) }))
    .setProtectedHeader({ alg: header.alg!, kid: header.kid! })
    .sign(key);
}

/** A cookie jar for driving the provider's pages with fetch. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1));
    }
  }
}

/**
 * Signs in at the provider as `login`, starting from the authorization URL Gatehouse redirected
 * to, and answers the URL the provider finally redirects to (Gatehouse's callback, with `code`
 * and `state`). Follows redirects by hand, posts the development login form.
 */
export async function loginAtIdp(authorizationUrl: string, login: string): Promise<URL> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  let init: RequestInit = {};
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.take(res);
    init = {};
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin !== new URL(authorizationUrl).origin) return next;
      url = next.href;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action) throw new Error(`unexpected provider page ${res.status}: ${html.slice(0, 300)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? 'login';
    url = new URL(action, url).href;
    const form: Record<string, string> = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
    init = {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  }
  throw new Error('too many redirects at the provider');
}
