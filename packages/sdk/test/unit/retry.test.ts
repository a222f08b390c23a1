import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError, OAuthError } from '../../src/index.js';
import { parseRetryAfter } from '../../src/util/http.js';
import { withRetry } from '../../src/util/retry.js';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates (RFC 9110 §10.2.3)', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter(new Date(NOW + 30_500).toUTCString(), NOW)).toBe(30);
    expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0);
  });

  it('ignores absent or unparsable values', () => {
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
  });
});

describe('withRetry', () => {
  const run = async (errors: unknown[], options = {}, random = () => 1) => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        const err = errors[calls++];
        if (err !== undefined) throw err;
        return 'ok';
      },
      options,
      { sleep: async (ms) => void waits.push(ms), random },
    ).catch((err: unknown) => err);
    return { result, waits, calls };
  };

  it('caps the exponential backoff at maxDelay', async () => {
    const errors = Array.from({ length: 5 }, () => new NetworkError('reset'));
    const { result, waits, calls } = await run(errors, { maxAttempts: 6, baseDelay: 100, maxDelay: 1000 });
    expect(result).toBe('ok');
    expect(calls).toBe(6);
    expect(waits).toEqual([100, 200, 400, 800, 1000]);
  });

  it('jitters each wait between half and all of the step', async () => {
    const { waits } = await run([new HttpError('x', { status: 502 })], { baseDelay: 1000 }, () => 0);
    expect(waits).toEqual([500]);
  });

  it('does not retry with maxAttempts 1, nor on 4xx other than 429', async () => {
    expect((await run([new NetworkError('reset')], { maxAttempts: 1 })).calls).toBe(1);
    const badRequest = await run([new OAuthError({ status: 400, error: 'invalid_request' })]);
    expect(badRequest.calls).toBe(1);
    expect(badRequest.result).toBeInstanceOf(OAuthError);
    expect((await run([new OAuthError({ status: 429, error: 'temporarily_unavailable' })])).calls).toBe(2);
  });

  it('never retries errors that are not HTTP or network failures', async () => {
    const { calls, result } = await run([new TypeError('bug')]);
    expect(calls).toBe(1);
    expect(result).toBeInstanceOf(TypeError);
  });
});
