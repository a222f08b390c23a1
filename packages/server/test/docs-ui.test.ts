/**
 * Issue #19 item 5: `/docs` (the metadata's `service_documentation`) serves the interactive API
 * reference: 200 HTML whose scripts and styles load from this server under its own
 * Content-Security-Policy, with the other security headers still applied (SECURITY.md H-82);
 * `/docs/json` is still the OpenAPI document; API responses keep the API policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { DOCS_CSP } from '../src/docs-ui.js';

describe('/docs interactive API reference', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite');
  });
  afterAll(() => t.close());

  it('the metadata points to /docs, which answers 200 HTML whose assets all load', async () => {
    const meta = (await (await fetch(`${t.url}/.well-known/oauth-authorization-server`)).json()) as {
      service_documentation: string;
    };
    expect(meta.service_documentation).toBe(`${t.config.issuer}/docs`);
    const page = await fetch(`${t.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const csp = page.headers.get('content-security-policy') ?? '';
    for (const [directive, values] of Object.entries(DOCS_CSP))
      expect(csp).toContain(`${directive} ${values.join(' ')}`);
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).toContain('id="swagger-ui"');
    // No inline script: everything the page runs comes from this server (script-src 'self').
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => new URL(m[1]!, page.url).href);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const url of assets) {
      expect(new URL(url).origin).toBe(new URL(t.url).origin);
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toMatch(url.endsWith('.js') ? /javascript/ : /text\/css/);
      expect((await res.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
    }
    // The initializer points the UI at this server's document.
    const initializer = assets.find((u) => u.endsWith('/swagger-initializer.js'));
    expect(initializer).toBeDefined();
    expect(await (await fetch(initializer!)).text()).toContain("resolveUrl('./json')");
  });

  it('/docs/json is the OpenAPI document and API responses keep the API policy', async () => {
    const doc = (await (await fetch(`${t.url}/docs/json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/oauth/token');
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/docs'))).toBe(false);
    const api = await fetch(`${t.url}/api/v1/self`);
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('content-security-policy')).not.toContain('script-src');
  });

  it("the media checksum's format is documented in the OpenAPI document", async () => {
    const text = await (await fetch(`${t.url}/docs/json`)).text();
    expect(text).toContain('SHA-256 of the file');
    expect(text).toContain('^[0-9a-f]{64}$');
  });
});
