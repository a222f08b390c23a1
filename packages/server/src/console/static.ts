/**
 * The built console (`packages/console/dist`) under `/console/`, with a single-page-app fallback
 * and strict security headers; `/` redirects to it. Without a build, `/console` says how to make one.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * Where `npm run build -w @gatehouse/console` writes the console: found through the workspace
 * package, so it is the same whether the server runs from its sources or from the CLI bundle.
 */
export const CONSOLE_DIST = join(
  dirname(createRequire(import.meta.url).resolve('@gatehouse/console/package.json')),
  'dist',
);

/** Headers on every console response (OWASP ASVS 5.0 §3.4). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
});

const MISSING_BUILD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gatehouse console</title></head>
<body><h1>The console is not built</h1><p>Run <code>npm run build -w @gatehouse/console</code>, then restart Gatehouse.</p></body></html>`;

function sendIndex(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-cache').sendFile('index.html');
}

/**
 * Registers `/`, `/favicon.ico`, `/console` and `/console/*` in the console context. Hashed assets are cached for
 * a year; `index.html` is revalidated. A path with a file extension that isn't a file is a 404;
 * any other path under `/console/` is the app (its router decides).
 */
export async function staticRoutes(app: FastifyInstance, dist = CONSOLE_DIST): Promise<void> {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/'));
  app.get('/console', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/'));
  if (!existsSync(join(dist, 'index.html'))) {
    const missing = (_request: unknown, reply: FastifyReply) =>
      reply.code(503).type('text/html; charset=utf-8').send(MISSING_BUILD);
    app.get('/console/', { schema: { hide: true } }, missing);
    app.get('/console/*', { schema: { hide: true } }, missing);
    return;
  }
  // Browsers ask for /favicon.ico on any page (the API's too); the console's own icon answers.
  if (existsSync(join(dist, 'favicon.ico'))) {
    app.get('/favicon.ico', { schema: { hide: true } }, (_request, reply) =>
      reply.header('cache-control', 'public, max-age=86400').sendFile('favicon.ico'),
    );
  }
  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/console/',
    wildcard: false,
    index: false,
    serveDotFiles: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
    schemaHide: true,
  });
  app.get('/console/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply));
  app.get('/console/*', { schema: { hide: true } }, (request, reply) => {
    const last = request.url.split('?')[0]!.split('/').pop() ?? '';
    if (last.includes('.')) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return sendIndex(reply);
  });
}
