/**
 * The console's only way to the server: JSON calls to `/api/v1` with the session cookie and, on
 * state-changing methods, the session's CSRF token.
 * @packageDocumentation
 */
import type { ApiErrorCode } from '@gatehouse/contracts';
import type { SessionInfo } from './types';

/**
 * An error answer of the API: its HTTP status, `error` code (one of the contracts' codes, or
 * `error` when the body had none) and description.
 */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | 'error',
    description: string,
  ) {
    super(description);
  }
}

let csrfToken: string | undefined;
let onSignedOut: (() => void) | undefined;
let onSecondFactorRequired: (() => void) | undefined;

/** Remembers the session's CSRF token (undefined when signed out). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (401 on a management call). */
export function setSignedOutHandler(handler: () => void): void {
  onSignedOut = handler;
}

/**
 * Called when the server refuses a call with `403 totp_required` (TOTP is required server-wide or
 * by the environment, and the account has none yet): the console sends the account to its profile.
 */
export function setSecondFactorRequiredHandler(handler: () => void): void {
  onSecondFactorRequired = handler;
}

/**
 * Calls `/api/v1{path}`.
 * @returns the parsed JSON answer (undefined for 204).
 * @throws ApiRequestError for any non-2xx answer; TypeError when the network fails.
 */
export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    if (res.status === 401 && !path.startsWith('/session')) onSignedOut?.();
    if (res.status === 403 && data.error === 'totp_required') onSecondFactorRequired?.();
    throw new ApiRequestError(
      res.status,
      String(data.error ?? 'error') as ApiErrorCode,
      String(data.error_description ?? res.statusText),
    );
  }
  return data as T;
}

/** The current session, or undefined when signed out. */
export async function currentSession(): Promise<SessionInfo | undefined> {
  try {
    return await api<SessionInfo>('GET', '/session');
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 401) return undefined;
    throw err;
  }
}

/** A short message for a failed call, for alerts and toasts. */
export function describeError(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message || err.code;
  return err instanceof Error ? err.message : String(err);
}

/** Path segment encoding. */
export const seg = encodeURIComponent;
