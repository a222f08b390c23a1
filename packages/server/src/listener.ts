/**
 * The Node HTTP server of every listener Gatehouse opens — the public one (app.ts) and the
 * separate metrics one (metrics-endpoint.ts) — so each has the same header, idle and request
 * timeouts (docs/security.md B-19, F-59, K-102).
 * @packageDocumentation
 */
import { createServer, type Server } from 'node:http';
import type { FastifyServerFactory } from 'fastify';

/**
 * A Fastify `serverFactory` whose server cuts slow clients: headers and body must arrive within
 * `requestTimeoutMs`, an idle socket is closed after it, an idle keep-alive connection after
 * `min(5 s, requestTimeoutMs / 2)` (the `Keep-Alive: timeout=N` advertised), and Node checks these
 * often (every `min(1 s, requestTimeoutMs / 2)`; its default is every 30 s).
 * @param requestTimeoutMs the configured request timeout (`GATEHOUSE_REQUEST_TIMEOUT_MS`), milliseconds.
 */
export function timedServerFactory(requestTimeoutMs: number): FastifyServerFactory<Server> {
  return (handler) => {
    const timeout = requestTimeoutMs;
    const server = createServer(
      {
        requestTimeout: timeout,
        headersTimeout: timeout,
        connectionsCheckingInterval: Math.min(1000, Math.ceil(timeout / 2)),
        // An idle keep-alive connection is closed well before the idle-socket timeout below, and the
        // `Keep-Alive: timeout=N` advertised is that shorter time: a client pool (undici, axios)
        // never reuses a connection the server is about to drop ("other side closed").
        keepAliveTimeout: Math.min(5_000, Math.floor(timeout / 2)),
      },
      handler,
    );
    server.setTimeout(timeout);
    return server;
  };
}
