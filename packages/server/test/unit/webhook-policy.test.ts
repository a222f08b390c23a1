/**
 * What a webhook endpoint may be (issue #28): its URL (https at a public address; http and private
 * addresses only for a host of GATEHOUSE_WEBHOOK_ALLOWED_HOSTS), its event patterns, its secret.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import {
  checkEventPatterns,
  checkWebhookUrl,
  generateWebhookSecret,
  webhookAllowedHosts,
} from '../../src/services/webhook-policy.js';

const refused = (url: string, allowed: string[] = []) => {
  try {
    checkWebhookUrl(url, allowed);
    return undefined;
  } catch (err) {
    return (err as { status?: number; message: string }).status === 400 ? (err as Error).message : 'not a 400';
  }
};

describe('webhook endpoint policy', () => {
  it('https at a public name or address passes; http, private literals, localhost, userinfo, fragments and long URLs are 400', () => {
    expect(refused('https://hooks.example.com/x?y=1')).toBeUndefined();
    expect(refused('https://93.184.215.14:8443/x')).toBeUndefined();
    for (const url of [
      'http://hooks.example.com/',
      'https://10.0.0.1/',
      'https://127.0.0.1/',
      'https://169.254.169.254/latest',
      'https://203.0.113.9/',
      'https://[::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://0x7f.1/',
      'https://localhost/',
      'https://api.localhost/',
      'https://u:p@hooks.example.com/',
      'https://u@hooks.example.com/',
      'https://hooks.example.com/#',
      'https://hooks.example.com/#x',
      'ftp://hooks.example.com/',
      'not a url',
      `https://hooks.example.com/${'a'.repeat(2030)}`,
    ])
      expect([url.slice(0, 60), refused(url)]).toEqual([url.slice(0, 60), expect.any(String)]);
  });

  it('an allowed host (name or name:port) may be http and private', () => {
    expect(refused('http://localhost:8080/hook', ['localhost:8080'])).toBeUndefined();
    expect(refused('http://10.0.0.5/hook', ['10.0.0.5'])).toBeUndefined();
    expect(refused('http://localhost:9090/hook', ['localhost:8080'])).toEqual(expect.any(String));
    // Still never userinfo or a fragment.
    expect(refused('http://u:p@localhost:8080/', ['localhost:8080'])).toContain('credentials');
    expect(refused('http://localhost:8080/#f', ['localhost:8080'])).toContain('fragment');
  });

  it('allowed hosts come from the config when it has them, else GATEHOUSE_WEBHOOK_ALLOWED_HOSTS', () => {
    const config = loadConfig({}, {});
    expect(webhookAllowedHosts(config, { GATEHOUSE_WEBHOOK_ALLOWED_HOSTS: ' Sink.Test:8080 , other ' })).toEqual([
      'sink.test:8080',
      'other',
    ]);
    expect(webhookAllowedHosts(config, {})).toEqual([]);
    const withHosts = { ...config, webhookAllowedHosts: ['configured'] };
    expect(webhookAllowedHosts(withHosts, { GATEHOUSE_WEBHOOK_ALLOWED_HOSTS: 'ignored' })).toEqual(['configured']);
  });

  it('patterns: *, actions and families, 1 to 20, none twice', () => {
    expect(checkEventPatterns(['*', 'integration.*', 'member.update_role', 'token.*'])).toHaveLength(4);
    for (const bad of [[], ['Integration.*'], ['a.*.b'], ['**'], ['a..b'], ['a.'], [''], ['x'.repeat(41)], ['a', 'a']])
      expect(() => checkEventPatterns(bad)).toThrow();
    expect(() => checkEventPatterns(Array.from({ length: 21 }, (_, i) => `f${i}.*`))).toThrow(/1 to 20/);
  });

  it('a secret is whsec_ and the base64 of 32 random bytes', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
