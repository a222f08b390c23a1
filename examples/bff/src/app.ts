/**
 * `createBffApp`: a back end for a browser front end. A user signs in (cookie session); the page
 * then asks `/user/authdata` for a read-only Gatehouse token and the Environment API's URL and
 * calls the API from the browser with it. The back end's own credentials never reach the page.
 * @packageDocumentation
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { createAuthData, createTokenSource, type AuthDataLogger } from '@gatehouse/client';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'bff_session';

/**
 * Options of {@link createBffApp}.
 *
 * @example
 * ```ts
 * const options: BffOptions = {
 *   issuer: 'http://127.0.0.1:4000', clientId: process.env.FRONT_ID!, clientSecret: process.env.FRONT_SECRET!,
 *   user: { username: 'demo', password: process.env.DEMO_PASSWORD! }, cookieSecret: process.env.COOKIE_SECRET!,
 * };
 * ```
 */
export interface BffOptions {
  /** Gatehouse issuer URL; the token endpoint is discovered from its RFC 8414 metadata. */
  issuer: string;
  /** Client id of a **read-only** integration (the tutorial's `FRONT_ID`). */
  clientId: string;
  /** Its secret (`FRONT_SECRET`). */
  clientSecret: string;
  /** Where the Environment API lives (default: the issuer). `apiURL` = `{apiBase}/api/v1/environments/{environment}/`. */
  apiBase?: string;
  /** The one demo user allowed to sign in. */
  user: { username: string; password: string };
  /** HMAC key of the session cookie: at least 32 characters. */
  cookieSecret: string;
  /** Session lifetime in seconds (default 3600). */
  sessionLifetime?: number;
  /** Mark the cookie `Secure` (set it when the app is served over HTTPS). Default false. */
  secureCookie?: boolean;
  /** Where `/user/authdata` reports why it refused a token (default `console`). Never receives the token. */
  logger?: AuthDataLogger;
  /** Current time in milliseconds (default `Date.now`): session expiry and token reuse. */
  clock?: () => number;
}

/** Compares two strings in constant time (their SHA-256 digests, so lengths don't leak either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Builds the Hono app (it never listens; see `main.ts`):
 * - `GET /` the page (`public/index.html`);
 * - `POST /signin` JSON `{username, password}` → 204 and a signed, `HttpOnly`, `SameSite=Strict`
 *   session cookie, or 401; only JSON is accepted, so a cross-site form can't post it;
 * - `POST /signout` → 204, the cookie cleared;
 * - `GET /user/authdata` → 401 `{success:false}` without a valid session; else the SDK's
 *   auth-data handler: 200 `{success:true, token, apiURL}`, or 500 `{success:false}` (no token)
 *   when the configured integration could write.
 *
 * @throws Error when `cookieSecret` is shorter than 32 characters.
 *
 * @example
 * ```ts
 * import { serve } from '@hono/node-server';
 * const app = createBffApp({ issuer, clientId, clientSecret, user: { username: 'demo', password }, cookieSecret });
 * serve({ fetch: app.fetch, port: 3000 });
 * ```
 */
export function createBffApp(options: BffOptions): Hono {
  if (options.cookieSecret.length < 32) throw new Error('cookieSecret must be at least 32 characters');
  const clock = options.clock ?? Date.now;
  const lifetime = options.sessionLifetime ?? 3600;
  const apiBase = (options.apiBase ?? options.issuer).replace(/\/+$/, '');
  const page = readFileSync(new URL('../public/index.html', import.meta.url), 'utf8');

  const authData = createAuthData({
    tokenSource: createTokenSource({
      issuer: options.issuer,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      clock,
    }),
    apiUrl: (claims) => `${apiBase}/api/v1/environments/${encodeURIComponent(String(claims['environment']))}/`,
    ...(options.logger && { logger: options.logger }),
  });

  /** The signed-in username, or undefined (no cookie, a forged one, or an expired session). */
  async function sessionUser(c: Context): Promise<string | undefined> {
    const value = await getSignedCookie(c, options.cookieSecret, SESSION_COOKIE);
    if (!value) return undefined;
    const dot = value.indexOf('.');
    const expiresAt = Number(value.slice(0, dot));
    return dot > 0 && expiresAt * 1000 > clock() ? value.slice(dot + 1) : undefined;
  }

  const requireUser = createMiddleware(async (c, next) => {
    if ((await sessionUser(c)) === undefined) return c.json({ success: false }, 401);
    await next();
  });

  const app = new Hono();
  app.get('/', (c) => c.html(page));

  app.post('/signin', async (c) => {
    if (!c.req.header('content-type')?.startsWith('application/json')) return c.json({ error: 'send JSON' }, 415);
    const body: unknown = await c.req.json().catch(() => undefined);
    const { username, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof username !== 'string' || typeof password !== 'string')
      return c.json({ error: 'username and password are required' }, 400);
    const userOk = sameSecret(username, options.user.username);
    const passwordOk = sameSecret(password, options.user.password);
    if (!userOk || !passwordOk) return c.json({ error: 'wrong username or password' }, 401);
    const expiresAt = Math.floor(clock() / 1000) + lifetime;
    await setSignedCookie(c, SESSION_COOKIE, `${expiresAt}.${username}`, options.cookieSecret, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: options.secureCookie ?? false,
      path: '/',
      maxAge: lifetime,
    });
    return c.body(null, 204);
  });

  app.post('/signout', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.get('/user/authdata', requireUser, authData.hono());
  return app;
}
