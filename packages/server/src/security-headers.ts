/**
 * Security headers on every response of every context (SECURITY.md H-82): `@fastify/helmet` at the
 * root, so the OAuth endpoints, the Environment and management APIs, the console, health,
 * discovery, 404s and errors all carry `X-Content-Type-Options: nosniff` and the other helmet
 * defaults; and `Cache-Control: no-store` on every response whose route didn't choose its own
 * caching (JWKS, metadata and console assets do), so nothing that carries a secret, a token or
 * tenant data is stored by a cache unless a route says so.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/**
 * Content-Security-Policy of API responses (OWASP REST Security Cheat Sheet): JSON loads nothing
 * and is never framed. The console replaces it with its own policy (console/static.ts).
 */
export const API_CSP = { "default-src": ["'none'"], "frame-ancestors": ["'none'"], "base-uri": ["'none'"], "form-action": ["'none'"] } as const;

/**
 * Registers the headers on `app` (the root instance, before any route, so every route and the
 * 404 handler get them). HSTS is left to the TLS terminator in front of Gatehouse (docs/deploy.md):
 * Gatehouse itself serves plain HTTP, and `includeSubDomains` is a decision for the whole domain.
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: { ...API_CSP } },
    frameguard: { action: 'deny' },
    hsts: false,
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
