/**
 * The console's only way to the server: JSON calls to `/api/v1` with the session cookie and, on
 * state-changing methods, the session's CSRF token. One {@link ApiClient} per console, provided by
 * React context ({@link ApiClientProvider}, {@link useApi}): it holds the CSRF token and the
 * handlers of a lost session and of a required second factor — no module-level state.
 * @packageDocumentation
 */
import { createContext, useContext } from 'react';
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

/** The HTTP methods the management API uses. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the client does when an answer says the session changed; set by the app once it is mounted. */
export interface ApiClientHandlers {
  /** The server says the session is gone (401 on a management call). */
  onSignedOut?: () => void;
  /**
   * The server refused a call with `403 totp_required` (TOTP is required server-wide or by the
   * environment, and the account has none yet): the console sends the account to its profile.
   */
  onSecondFactorRequired?: () => void;
}

/** A client of `/api/v1` for one browser tab: the session's CSRF token and the session handlers. */
export class ApiClient {
  private csrfToken: string | undefined;
  private handlers: ApiClientHandlers = {};

  /** Remembers the session's CSRF token (undefined when signed out). */
  setCsrfToken(token: string | undefined): void {
    this.csrfToken = token;
  }

  /** Replaces the session handlers. */
  setHandlers(handlers: ApiClientHandlers): void {
    this.handlers = handlers;
  }

  /**
   * Calls `/api/v1{path}` (an arrow property, so `const { api } = useApi()` works).
   * @returns the parsed JSON answer (undefined for 204).
   * @throws ApiRequestError for any non-2xx answer; TypeError when the network fails.
   */
  readonly api = async <T>(method: Method, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (res.status === 204) return undefined as T;
    const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) {
      if (res.status === 401 && !path.startsWith('/session')) this.handlers.onSignedOut?.();
      if (res.status === 403 && data.error === 'totp_required') this.handlers.onSecondFactorRequired?.();
      throw new ApiRequestError(
        res.status,
        String(data.error ?? 'error') as ApiErrorCode,
        String(data.error_description ?? res.statusText),
      );
    }
    return data as T;
  };

  /** The current session, or undefined when signed out. */
  readonly currentSession = async (): Promise<SessionInfo | undefined> => {
    try {
      return await this.api<SessionInfo>('GET', '/session');
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 401) return undefined;
      throw err;
    }
  };
}

const ApiClientContext = createContext<ApiClient | undefined>(undefined);

/** Provides `client` to the console below. */
export const ApiClientProvider = ApiClientContext.Provider;

/**
 * The console's API client.
 * @throws Error outside an {@link ApiClientProvider}.
 */
export function useApi(): ApiClient {
  const client = useContext(ApiClientContext);
  if (!client) throw new Error('useApi outside ApiClientProvider');
  return client;
}

/** A short message for a failed call, for alerts and toasts. */
export function describeError(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message || err.code;
  return err instanceof Error ? err.message : String(err);
}

/** Path segment encoding. */
export const seg = encodeURIComponent;
