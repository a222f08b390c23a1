/**
 * A reader that stops early (`gatehouse integration list | head -2`) ends the CLI quietly with exit
 * code 0, not with an EPIPE stack trace (issue #25 item 5). A separate process: the subject is the
 * process's stdout.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_KEY } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { BIN, storeFlags } from '../helpers/cli.js';

describe('gatehouse with its output closed early', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite');
    for (let i = 0; i < 3; i++) await t.integration({ name: `piped ${i}` });
  });
  afterAll(() => t.close());

  it('`integration list` into a closed pipe exits 0 and writes nothing on stderr', async () => {
    const child = spawn(process.execPath, [BIN, ...storeFlags(t.location), 'integration', 'list', '--env', 'default'], {
      env: { ...process.env, GATEHOUSE_MASTER_KEY: MASTER_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader is gone before the CLI writes its first byte (as `head` after its lines): EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('`integration list | head -1` in a shell: the CLI exits 0 and only the header line is shown', async () => {
    const list = [process.execPath, BIN, ...storeFlags(t.location), 'integration', 'list', '--env', 'default'];
    const child = spawn('bash', ['-c', `"$@" | head -1; exit "\${PIPESTATUS[0]}"`, 'pipe', ...list], {
      env: { ...process.env, GATEHOUSE_MASTER_KEY: MASTER_KEY },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (err += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect({ code, err, lines: out.trim().split('\n').length }).toEqual({ code: 0, err: '', lines: 1 });
    expect(out).toMatch(/^CLIENT_ID/);
  });
});
