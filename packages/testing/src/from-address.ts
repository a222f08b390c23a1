/**
 * Requests from another local source address: on Linux every 127.x.y.z is a loopback address,
 * so a test can play several clients (docs/security.md G-73) over real HTTP.
 */
import { request as httpRequest } from 'node:http';
import type { Res } from './http.js';
import { basic } from './http.js';

/** Sends a request from `localAddress` (e.g. `127.0.0.2`) and parses a JSON answer. */
export function requestFrom(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers, localAddress, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown> = {};
          try {
            body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            // not JSON
          }
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve({ status: res.statusCode ?? 0, headers, body, text });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A client_credentials token request with client_secret_basic from `localAddress`. */
export function tokenFrom(localAddress: string, base: string, id: string, secret: string): Promise<Res> {
  return requestFrom(localAddress, `${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(id, secret) },
    body: 'grant_type=client_credentials',
  });
}

/** `POST /api/v1/session` from `localAddress`. */
export function signInFrom(localAddress: string, base: string, email: string, password: string): Promise<Res> {
  return requestFrom(localAddress, `${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}
