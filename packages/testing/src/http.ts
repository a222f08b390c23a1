/** Small HTTP helpers for tests: real requests over the loopback. */

export interface Res {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** Sends a request and parses a JSON answer when there is one. */
export async function request(url: string, init: RequestInit = {}): Promise<Res> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** `Basic` value for a client id and secret, form-urlencoded first (RFC 6749 §2.3.1). */
export function basic(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64');
}

/** POSTs a form to `/oauth/token` (or another path). */
export function postForm(
  base: string,
  params: Record<string, string> | string,
  headers: Record<string, string> = {},
  path = '/oauth/token',
): Promise<Res> {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return request(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

/** POSTs JSON (a raw string is sent as it is). */
export function postJson(
  base: string,
  body: unknown,
  headers: Record<string, string> = {},
  path = '/oauth/token',
): Promise<Res> {
  return request(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Requests a token with client_secret_basic; `extra` adds parameters. */
export function token(base: string, id: string, secret: string, extra: Record<string, string> = {}): Promise<Res> {
  return postForm(base, { grant_type: 'client_credentials', ...extra }, { authorization: basic(id, secret) });
}
