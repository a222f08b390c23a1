/**
 * Registers the invoices API in a running Gatehouse and creates an integration that may call it,
 * printing its credentials. Run it next to `npm start`, signed in as a console administrator
 * (`gatehouse admin create`):
 *
 *   GATEHOUSE_ADMIN_PASSWORD=… npm run register -w @gatehouse/example-resource-server -- --email you@example.com \
 *     [--issuer http://127.0.0.1:4000] [--env default] [--scopes "invoices:read invoices:write"]
 *
 * (The `gatehouse` CLI does the same with `gatehouse api create` and `gatehouse integration grant`.)
 * A problem (an unknown environment or scope, a refused sign-in) prints one line and exits with
 * status 1, never a stack trace.
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { signIn } from './admin-session.js';
import { createInvoicesIntegration, registerInvoicesApi } from './setup.js';

/** Prints `err` as one line on stderr and sets exit status 1. */
function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  // One line that can't drive the terminal: control characters become spaces.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  process.stderr.write(`register: ${message.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')}\n`);
  process.exitCode = 1;
}

const { values } = parseArgs({
  options: {
    issuer: { type: 'string', default: process.env.GATEHOUSE_ISSUER ?? 'http://127.0.0.1:4000' },
    email: { type: 'string', default: process.env.GATEHOUSE_ADMIN_EMAIL },
    env: { type: 'string', default: 'default' },
    scopes: { type: 'string', default: 'invoices:read invoices:write' },
  },
});
const password = process.env.GATEHOUSE_ADMIN_PASSWORD;
if (!values.email || !password) {
  console.error('give the administrator: --email (or GATEHOUSE_ADMIN_EMAIL) and GATEHOUSE_ADMIN_PASSWORD');
  process.exit(2);
}

try {
  const admin = await signIn(values.issuer, values.email, password);
  try {
    const audience = await registerInvoicesApi(admin, values.env);
    const created = await createInvoicesIntegration(admin, values.env, values.scopes.split(/[\s,]+/).filter(Boolean));
    console.log(JSON.stringify({ audience, ...created }, null, 2));
  } finally {
    await admin.call('DELETE', '/session').catch(() => undefined);
  }
} catch (err) {
  fail(err);
}
