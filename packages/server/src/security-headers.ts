/**
 * Security headers on every response of every context (docs/security.md H-82): the OAuth endpoints,
 * the Environment and management APIs, the console, health, discovery, 404s and errors all carry
 * `X-Content-Type-Options: nosniff` and the other headers helmet sets; and `Cache-Control:
 * no-store` on every response whose route doesn't choose its own caching (JWKS, metadata and
 * console assets do), so nothing that carries a secret, a token or tenant data is stored by a
 * cache unless a route says so.
 *
 * helmet decides the headers, once, at start: its middleware is run against a recording response
 * and the result is set on each reply by one synchronous hook. Running helmet per request (as
 * @fastify/helmet does) cost the token endpoint and bearer-protected GETs 15–20 % of their
 * throughput (`npm run bench`), for headers that never change.
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Content-Security-Policy of API responses (OWASP REST Security Cheat Sheet): JSON loads nothing
 * and is never framed. The console replaces it with its own policy (console/static.ts).
 */
export const API_CSP = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
} as const;

/**
 * helmet's options: the headers the OWASP REST Security Cheat Sheet asks of JSON APIs
 * (`Content-Security-Policy`, `X-Content-Type-Options`, `X-Frame-Options`, `Referrer-Policy`, and
 * `Cross-Origin-Resource-Policy` against cross-origin no-cors reads), plus `Cache-Control` below.
 * The headers that only act on HTML documents or on retired browsers (`Cross-Origin-Opener-Policy`,
 * `Origin-Agent-Cluster`, `X-DNS-Prefetch-Control`, `X-Download-Options`,
 * `X-Permitted-Cross-Domain-Policies`, `X-XSS-Protection`) are left to the HTML pages, which set
 * their own (console/static.ts, docs-ui.ts): on every API answer they were about 250 bytes and a
 * header check each, on the hot paths. HSTS is left to the TLS terminator in front of Gatehouse
 * (docs/deploy.md): Gatehouse itself serves plain HTTP, and `includeSubDomains` is a decision for
 * the whole domain.
 */
const OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { ...API_CSP } },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  dnsPrefetchControl: false,
  ieNoOpen: false,
  permittedCrossDomainPolicies: false,
  xssFilter: false,
  hsts: false,
};

/**
 * The headers helmet sets with `options`, lower-cased, plus `cache-control: no-store`.
 * @throws Error when helmet does not finish synchronously (it always has: it only sets headers).
 */
export function securityHeaders(options: HelmetOptions = OPTIONS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: () => undefined,
  };
  let done = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    done = true;
  });
  if (!done) throw new Error('helmet did not set its headers synchronously');
  return Object.freeze({ ...headers, 'cache-control': 'no-store' });
}

/**
 * Registers the headers on `app` (the root instance, before any route, so every route and the 404
 * handler get them). A route that chooses its caching overwrites `cache-control` later.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const headers = securityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
