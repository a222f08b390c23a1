/**
 * The short version of `npm run bench:soak` that runs in `npm test`: a few seconds of token
 * requests and bearer GETs against a real Gatehouse process, with zero errors and no non-2xx.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BENCH = fileURLToPath(new URL('../../..', import.meta.url));

describe('soak (short)', () => {
  it('3 s at 20 connections: zero errors, zero non-2xx', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/soak.ts'], {
      cwd: BENCH,
      env: { ...process.env, SOAK_DURATION: '3', SOAK_CONNECTIONS: '20' },
      timeout: 90_000,
    });
    expect(stdout).toContain('soak passed');
    expect(stdout).toMatch(/, 0 errors \(0 timeouts\), 0 non-2xx/);
  }, 120_000);
});
