/** The Webhooks tab's pure parts: the event filter grammar and which field a 400 answer is about. */
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src/api/client.js';
import {
  endpointFieldError,
  EVENT_SUGGESTIONS,
  eventPatternsProblem,
  MAX_EVENT_PATTERNS,
} from '../../src/components/webhook-events.js';

describe('webhook event filters', () => {
  it('takes *, exact actions and families, as the server does', () => {
    expect(eventPatternsProblem([...EVENT_SUGGESTIONS])).toBeUndefined();
    expect(eventPatternsProblem(['integration.update', 'webhook.rotate_secret', 'a.b.c.d'])).toBeUndefined();
  });

  it('refuses an empty list, too many, a malformed or a repeated pattern', () => {
    expect(eventPatternsProblem([])).toMatch(/at least one/);
    expect(eventPatternsProblem(Array.from({ length: MAX_EVENT_PATTERNS + 1 }, (_, i) => `a${i}`))).toMatch(
      /At most 20/,
    );
    for (const bad of ['Integration.*', 'integration.', '*.update', 'a.b.c.d.e', 'token.**', 'x'.repeat(41)])
      expect(eventPatternsProblem([bad]), bad).toMatch(/is not a pattern/);
    expect(eventPatternsProblem(['member.*', 'member.*'])).toBe('A pattern is given twice');
  });
});

describe('endpointFieldError', () => {
  it("names the field of a schema answer and of a service rule, with the server's sentence", () => {
    expect(
      endpointFieldError(new ApiRequestError(400, 'invalid_request', 'invalid body: events[2] must match pattern')),
    ).toEqual({ field: 'events', message: 'events[2] must match pattern' });
    expect(
      endpointFieldError(new ApiRequestError(400, 'invalid_request', 'url must be https (http only for a host of X)')),
    ).toEqual({ field: 'url', message: 'url must be https (http only for a host of X)' });
  });

  it('leaves other answers to the alert', () => {
    expect(endpointFieldError(new ApiRequestError(409, 'conflict', 'url is taken'))).toBeUndefined();
    expect(
      endpointFieldError(new ApiRequestError(400, 'invalid_request', 'invalid body: enabled must be true or false')),
    ).toBeUndefined();
    expect(endpointFieldError(new Error('url'))).toBeUndefined();
  });
});
