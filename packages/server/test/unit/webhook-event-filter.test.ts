/**
 * Webhook event filters (issue #28): which audit actions an endpoint's `events` take — exact,
 * family, `*` — with token events only for a `token.` pattern and `webhook.test` for none.
 */
import { describe, expect, it } from 'vitest';
import { matchesEventFilter, parseEventFilter, WEBHOOK_EVENT_PATTERN } from '../../src/store/webhook-event-filter.js';

describe('webhook event filter', () => {
  it.each([
    [['*'], 'integration.create', true],
    [['*'], 'admin.sign_in', true],
    [['integration.*'], 'integration.update', true],
    [['integration.*'], 'integration.secret.rotate', true],
    [['integration.*'], 'integrations.update', false],
    [['integration.*'], 'integration', false],
    [['integration.update'], 'integration.update', true],
    [['integration.update'], 'integration.updated', false],
    [['member.*', 'api.create'], 'api.create', true],
    [['member.*', 'api.create'], 'api.delete', false],
    [[], 'integration.create', false],
  ])('%j matches %s: %s', (patterns, action, expected) => {
    expect(matchesEventFilter(patterns, action)).toBe(expected);
  });

  it('token.* actions match only a pattern that starts with token. — `*` and other families do not take them', () => {
    expect(matchesEventFilter(['*'], 'token.mint')).toBe(false);
    expect(matchesEventFilter(['*'], 'token.revoke')).toBe(false);
    expect(matchesEventFilter(['*', 'integration.*'], 'token.mint')).toBe(false);
    expect(matchesEventFilter(['token.*'], 'token.mint')).toBe(true);
    expect(matchesEventFilter(['token.revoke'], 'token.revoke')).toBe(true);
    expect(matchesEventFilter(['token.revoke'], 'token.mint')).toBe(false);
    expect(matchesEventFilter(['*', 'token.mint'], 'token.mint')).toBe(true);
    // `*` still takes actions that merely contain "token".
    expect(matchesEventFilter(['*'], 'integration.token_quota')).toBe(true);
  });

  it('webhook.test matches no filter (only "send test event" makes one)', () => {
    expect(matchesEventFilter(['*'], 'webhook.test')).toBe(false);
    expect(matchesEventFilter(['webhook.*'], 'webhook.test')).toBe(false);
    expect(matchesEventFilter(['webhook.test'], 'webhook.test')).toBe(false);
    expect(matchesEventFilter(['webhook.*'], 'webhook.disable')).toBe(true);
  });

  it('the pattern grammar is the audit filter grammar plus *', () => {
    for (const ok of ['*', 'integration.update', 'integration.*', 'a.b.c.d', 'token.*'])
      expect(WEBHOOK_EVENT_PATTERN.test(ok), ok).toBe(true);
    for (const bad of [
      '',
      '**',
      'integration.',
      '.*',
      'Integration.update',
      'a.b.c.d.e',
      'a*',
      `${'a'.repeat(41)}.b`,
      'a .b',
    ])
      expect(WEBHOOK_EVENT_PATTERN.test(bad), bad).toBe(false);
  });

  it('parseEventFilter reads the stored JSON array; anything else matches nothing', () => {
    expect(parseEventFilter('["*","token.*"]')).toEqual(['*', 'token.*']);
    expect(parseEventFilter('not json')).toEqual([]);
    expect(parseEventFilter('{"a":1}')).toEqual([]);
    expect(parseEventFilter('["a.b",3,null]')).toEqual(['a.b']);
  });
});
