/**
 * Small HTTP helpers shared by the cases: client authentication and one-off requests.
 * @packageDocumentation
 */
import type { HttpMethod } from './types.js';

/** `application/x-www-form-urlencoded` encoding of one value (RFC 6749 §2.3.1). */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/** `Authorization: Basic …` value for client_secret_basic. */
export function basicAuth(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
}

/** Headers and body of a client_credentials token request (`extra` adds form fields). */
export function tokenRequest(
  clientId: string,
  clientSecret: string,
  extra: Record<string, string> = {},
): { headers: Record<string, string>; body: string } {
  return {
    headers: {
      authorization: basicAuth(clientId, clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...extra }).toString(),
  };
}

/** One request; throws unless the status is 2xx. Returns the parsed JSON body (or text). */
export async function requestOk(
  url: string,
  init: { method: HttpMethod; headers?: Record<string, string>; body?: string },
): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${init.method} ${new URL(url).pathname} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** POSTs a token request and returns `access_token`; throws on any other answer. */
export async function fetchAccessToken(tokenUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const answer = (await requestOk(tokenUrl, { method: 'POST', ...tokenRequest(clientId, clientSecret) })) as {
    access_token?: unknown;
  };
  if (typeof answer.access_token !== 'string')
    throw new Error(`token answer without access_token: ${JSON.stringify(answer)}`);
  return answer.access_token;
}
