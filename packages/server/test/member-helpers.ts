/** Helpers of the delegated-administration tests: invitations, acceptance, member sessions. */
import type { TestServer } from '@gatehouse/testing/server';
import { request, type Res } from '@gatehouse/testing/http';
import { call, type ConsoleSession } from './management-helpers.js';

/** A password zxcvbn accepts. */
export const MEMBER_PASSWORD = 'violet tractor umbrella 42';

/** Invites `email` into `env` with `role` as `by`; returns the link's token. */
export async function invite(
  t: TestServer,
  by: ConsoleSession,
  env: string,
  email: string,
  role: string,
): Promise<string> {
  const res = await call(t, { session: by }, 'POST', `/environments/${env}/invitations`, { email, role });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${res.text}`);
  return String(res.body.link).split('/').pop()!;
}

/** `POST /api/v1/invitations/accept`, optionally with a session cookie. */
export function accept(t: TestServer, token: string, password = MEMBER_PASSWORD, cookie?: string): Promise<Res> {
  return request(`${t.url}/api/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie && { cookie }) },
    body: JSON.stringify({ token, password }),
  });
}

/** The session an accepted invitation answers. */
export function sessionOf(res: Res): ConsoleSession {
  if (res.status !== 200) throw new Error(`accept failed: ${res.status} ${res.text}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, csrf: String(res.body.csrf_token), setCookie };
}

/** Invites and accepts: a signed-in member of `env` with `role`. */
export async function member(
  t: TestServer,
  operator: ConsoleSession,
  env: string,
  email: string,
  role: string,
): Promise<ConsoleSession> {
  return sessionOf(await accept(t, await invite(t, operator, env, email, role)));
}
