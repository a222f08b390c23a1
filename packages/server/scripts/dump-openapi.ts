/**
 * Writes the OpenAPI document the server serves at `/docs/json` to a file (default
 * `openapi.json` in the working directory), built by the app itself on a throwaway SQLite store:
 * `npm run lint:openapi` lints exactly what users read. No port is opened, nothing leaves the
 * machine.
 * Usage: `tsx packages/server/scripts/dump-openapi.ts [out.json]`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildApp, createRuntime, loadConfig } from '../src/index.js';

const out = resolve(process.argv[2] ?? 'openapi.json');
const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-openapi-'));
try {
  const config = loadConfig(
    { host: '127.0.0.1', port: 0, dataDir, masterKey: randomBytes(32).toString('base64'), logLevel: 'silent' },
    {},
  );
  const runtime = await createRuntime(config);
  const app = await buildApp(runtime, { logLevel: 'silent' });
  try {
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    if (response.statusCode !== 200) throw new Error(`GET /docs/json answered ${response.statusCode}`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(response.json(), null, 2)}\n`);
  } finally {
    await app.close();
    await runtime.close();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`OpenAPI document written to ${out}`);
