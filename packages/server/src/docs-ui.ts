/**
 * `/docs`: an interactive reference of the OpenAPI document (@fastify/swagger-ui), the page the
 * authorization server metadata's `service_documentation` points to (RFC 8414 §2). It also
 * serves `/docs/json` and `/docs/yaml`. Its assets come from this server only, under a policy
 * as tight as the page allows: scripts and styles from 'self' (plus the hash of the one fixed
 * style element Swagger UI inserts; no inline script),
 * images from 'self' and data: URIs, requests ("Try it out") to this origin, never framed.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import swaggerUi from '@fastify/swagger-ui';
import { DOCS_ICON_SVG, DOCS_LOGO_SVG } from './docs-logo.js';

/** The Content-Security-Policy of every `/docs` response (replaces the API policy there). */
export const DOCS_CSP = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  // Swagger UI inserts one fixed <style> element at start; its hash is allowed, nothing else inline.
  'style-src': ["'self'", "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
} as const;

/** What Swagger UI's `requestInterceptor` receives: the request it is about to send (`headers`, `body`, …). */
type UiRequest = Record<string, unknown>;

/**
 * Swagger UI's "Try it out" sends every field of a form body, the ones left empty too ("Send empty
 * value" starts checked); RFC 6749 §3.1 treats a parameter without a value as omitted, so the page
 * leaves them out, as the user meant: a token request with Basic then carries no empty
 * `client_secret`. Serialized into the page's initializer (a file from this server), so it uses
 * nothing from its scope.
 */
export function omitEmptyFormParameters(request: UiRequest): UiRequest {
  const headers = (request.headers ?? {}) as Record<string, string | undefined>;
  const type = headers['Content-Type'] ?? headers['content-type'] ?? '';
  if (typeof request.body === 'string' && type.startsWith('application/x-www-form-urlencoded'))
    request.body = request.body
      .split('&')
      .filter((pair) => pair !== '' && !pair.endsWith('='))
      .join('&');
  return request;
}

/** Registers `/docs` on `app` (after @fastify/swagger). */
export async function registerDocsUi(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: Object.fromEntries(Object.entries(DOCS_CSP).map(([k, v]) => [k, [...v]])),
    uiConfig: {
      deepLinking: true,
      docExpansion: 'list',
      defaultModelsExpandDepth: 0,
      validatorUrl: null,
      requestInterceptor: omitEmptyFormParameters,
    },
    // Gatehouse's name and mark, not the defaults' (the logo is a data: URI: img-src allows it).
    theme: {
      title: 'Gatehouse API',
      favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: DOCS_ICON_SVG }],
    },
    logo: { type: 'image/svg+xml', content: DOCS_LOGO_SVG, href: '/docs', target: '_self' },
    // A page, not an API answer: it gets the document headers the API's set leaves out (security-headers.ts).
    uiHooks: {
      onRequest: (_request, reply, done) => {
        reply.header('cross-origin-opener-policy', 'same-origin');
        done();
      },
    },
  });
}
