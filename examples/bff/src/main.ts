/**
 * Runs the BFF example: configuration from environment variables, then listen.
 *
 * GATEHOUSE_ISSUER (default http://127.0.0.1:4000), FRONT_ID, FRONT_SECRET (a read-only
 * integration), DEMO_USERNAME (default demo), DEMO_PASSWORD, COOKIE_SECRET (≥ 32 characters;
 * random per start when unset), COOKIE_SECURE=1 behind HTTPS, HOST (127.0.0.1), PORT (3000).
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { createBffApp } from './app.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (see examples/bff/README.md)`);
  return value;
}

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const app = createBffApp({
  issuer: process.env.GATEHOUSE_ISSUER ?? 'http://127.0.0.1:4000',
  clientId: required('FRONT_ID'),
  clientSecret: required('FRONT_SECRET'),
  user: { username: process.env.DEMO_USERNAME ?? 'demo', password: required('DEMO_PASSWORD') },
  cookieSecret: process.env.COOKIE_SECRET ?? randomBytes(32).toString('base64url'),
  secureCookie: process.env.COOKIE_SECURE === '1',
});

const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
  console.log(`BFF example on http://${host}:${info.port}/ (sign in as ${process.env.DEMO_USERNAME ?? 'demo'})`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
