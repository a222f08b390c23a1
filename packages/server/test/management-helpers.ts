/** Helpers of the management API tests: an administrator, a signed-in console session, calls. */
import { CLI_ACTOR } from '../src/context.js';
import { createAdmin } from '../src/services/admins.js';
import type { TestServer } from '@gatehouse/testing/server';
import { request, token, type Res } from '@gatehouse/testing/http';

export const ADMIN_EMAIL = 'ada@example.com';
export const ADMIN_PASSWORD = 'correct horse battery staple';

/** A console session: its cookie header value and CSRF token. */
export interface ConsoleSession {
  cookie: string;
  csrf: string;
  setCookie: string;
}

/** Creates the test administrator through the service layer (once per server). */
export async function createTestAdmin(t: TestServer, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<void> {
  await createAdmin(t.server.runtime.ctx, CLI_ACTOR, email, password);
}

/** `POST /api/v1/session` with JSON credentials. */
export function signIn(
  t: TestServer,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Res> {
  return request(`${t.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ email, password }),
  });
}

/** Signs in as the test administrator. */
export async function session(t: TestServer, email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<ConsoleSession> {
  const res = await signIn(t, email, password);
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, csrf: String(res.body.csrf_token), setCookie };
}

/** Who calls: a console session (with its CSRF token unless `csrf: false`) or a bearer token. */
export type Caller = { session: ConsoleSession; csrf?: boolean } | { bearer: string };

/** Calls `/api/v1{path}` as `caller`. */
export function call(t: TestServer, caller: Caller, method: string, path: string, body?: unknown): Promise<Res> {
  const headers: Record<string, string> = {};
  if ('bearer' in caller) headers.authorization = `Bearer ${caller.bearer}`;
  else {
    headers.cookie = caller.session.cookie;
    if (caller.csrf !== false) headers['x-csrf-token'] = caller.session.csrf;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  return request(`${t.url}/api/v1${path}`, {
    method,
    headers,
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/** An access token for an integration (all its scopes unless `scope` narrows them). */
export async function accessToken(
  t: TestServer,
  c: { client_id: string; client_secret: string },
  scope?: string,
): Promise<string> {
  const res = await token(t.url, c.client_id, c.client_secret, scope ? { scope } : {});
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return String(res.body.access_token);
}
