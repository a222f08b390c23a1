/**
 * Registers the invoices API in a Gatehouse store and creates an integration that may call it,
 * printing its credentials. Run it next to `npm start`, on the same store:
 *
 *   npm run register -w @gatehouse/example-resource-server -- --data ./data [--env default] [--scopes "invoices:read invoices:write"]
 *
 * (The `gatehouse` CLI does the same with `gatehouse api create` and `gatehouse integration grant`.)
 * A problem (an unknown environment or scope, a store that can't be opened) prints one line and
 * exits with status 1, never a stack trace.
 * @packageDocumentation
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError, loadConfig, openContext } from '@gatehouse/server';
import { createInvoicesIntegration, registerInvoicesApi } from './setup.js';

/** Prints `err` as one line on stderr and sets exit status 1. */
function fail(err: unknown): void {
  const message = err instanceof ApiError || err instanceof Error ? err.message : String(err);
  // One line that can't drive the terminal: control characters become spaces.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  process.stderr.write(`register: ${message.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')}\n`);
  process.exitCode = 1;
}

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.GATEHOUSE_DATA_DIR ?? 'data' },
    'database-url': { type: 'string' },
    env: { type: 'string', default: 'default' },
    scopes: { type: 'string', default: 'invoices:read invoices:write' },
  },
});

// npm runs workspace scripts in the workspace folder; a relative --data means the caller's folder.
const dataDir = resolve(process.env.INIT_CWD ?? process.cwd(), values.data);
try {
  const ctx = await openContext(loadConfig({ dataDir, ...(values['database-url'] && { databaseUrl: values['database-url'] }) }));
  try {
    const audience = await registerInvoicesApi(ctx, values.env);
    const created = await createInvoicesIntegration(ctx, values.env, values.scopes.split(/[\s,]+/).filter(Boolean));
    console.log(JSON.stringify({ audience, ...created }, null, 2));
  } finally {
    await ctx.store.close();
  }
} catch (err) {
  fail(err);
}
