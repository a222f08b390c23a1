/**
 * The integration-seeding helper of case (e), against a stand-in management API in this process.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { seedIntegrations } from '../src/gatehouse/seed-integrations.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Serves `handler(n)` for the n-th POST and returns the origin. */
function standIn(handler: (n: number) => [number, unknown]): Promise<string> {
  let count = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const [status, body] = handler(count++);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  return new Promise((resolve) =>
    server?.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server?.address() as AddressInfo).port}`)),
  );
}

describe('seedIntegrations', () => {
  it('creates every integration, retries 429, and keeps the first credentials in order', async () => {
    const origin = await standIn((n) =>
      n === 3 ? [429, { error: 'slow_down' }] : [201, { client_id: `c${n}`, client_secret: `s${n}` }],
    );
    const kept = await seedIntegrations({ origin, bearerToken: 't', env: 'default', total: 40, keep: 5 });
    expect(kept).toHaveLength(5);
    expect(kept.every((c) => c.client_id.startsWith('c') && c.client_secret.startsWith('s'))).toBe(true);
  });

  it('fails fast and stops every worker when the API refuses', async () => {
    const origin = await standIn(() => [404, { error: 'not_found' }]);
    const started = Date.now();
    await expect(seedIntegrations({ origin, bearerToken: 't', env: 'default', total: 1000, keep: 10 })).rejects.toThrow(
      /HTTP 404/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
