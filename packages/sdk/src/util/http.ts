/**
 * Helpers for HTTP exchanges: Retry-After, JSON bodies, form encoding, fetch that maps failures.
 * @packageDocumentation
 * @internal
 */
import { InvalidResponseError, NetworkError } from '../errors/http-errors.js';
import type { FetchLike } from '../types.js';

/**
 * Parses `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns seconds
 * (never negative), or `undefined` when absent or unparsable.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // HTTP-dates name a weekday or month ("Sun, 06 Nov 1994 08:49:37 GMT"); bare numbers like "-5" are not dates.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** Reads a body as a JSON object; `undefined` when it is empty, not JSON or not an object. */
export async function readJsonObject(response: Response): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  if (text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a 2xx body that must be a JSON object, or throws `InvalidResponseError`. */
export async function requireJsonObject(response: Response, what: string): Promise<Record<string, unknown>> {
  const body = await readJsonObject(response);
  if (body === undefined) throw new InvalidResponseError(`${what} did not answer with a JSON object`);
  return body;
}

/** Whether `value` is a string holding an absolute URL. */
export function isAbsoluteUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** `application/x-www-form-urlencoded` encoding of one value (RFC 6749 Appendix B). */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** The value of `key` when it is a string, else `undefined`. */
export function stringField(body: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = body?.[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Calls `fetchImpl`, turning a thrown failure (DNS, refused, reset, timeout) into `NetworkError`
 * so retry logic and callers see one type. `timeoutMs` aborts requests that hang.
 */
export async function fetchOrThrow(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Response> {
  try {
    return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new NetworkError(`${init.method ?? 'GET'} ${url} failed: ${reason}`, { cause });
  }
}
