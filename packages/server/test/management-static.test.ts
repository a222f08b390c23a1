/**
 * The console's static files: security headers, SPA fallback, caching, `/` redirect, and the page
 * that says how to build the console when there is no build.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS, staticRoutes } from '../src/console/static.js';

async function appOn(dist: string): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(async (scope) => staticRoutes(scope, dist));
  await app.ready();
  return app;
}

describe('console static files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-console-'));
  const dist = join(dir, 'dist') + '/';
  let app: FastifyInstance;
  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(
      join(dist, 'index.html'),
      '<!doctype html><div id="root"></div><script type="module" src="/console/assets/app-1234.js"></script>',
    );
    writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
    app = await appOn(dist);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the app with the security headers on every path under /console/ (SPA fallback)', async () => {
    for (const url of [
      '/console/',
      '/console/environments/default',
      '/console/environments/default/integrations/abc?tab=permissions',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers[name]).toBe(value);
    }
    expect(SECURITY_HEADERS['content-security-policy']).toMatch(/^default-src 'self'/);
    expect(SECURITY_HEADERS['x-frame-options']).toBe('DENY');
  });

  it('serves hashed assets with a long cache; a missing file is 404, not the app', async () => {
    const asset = await app.inject({ url: '/console/assets/app-1234.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    expect((await app.inject({ url: '/console/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/console/../package.json' })).statusCode).not.toBe(200);
  });

  it('redirects / and /console to /console/', async () => {
    for (const url of ['/', '/console']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe('/console/');
    }
  });

  it('without a build, /console says how to make one', async () => {
    const bare = await appOn(join(dir, 'nothing') + '/');
    const res = await bare.inject({ url: '/console/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build -w @gatehouse/console');
    expect(res.headers['content-security-policy']).toBe(SECURITY_HEADERS['content-security-policy']);
    await bare.close();
  });
});
