/**
 * The README's quick start works as written on a port other than 4000 (issue #25 item 7): its start
 * command (`npm start -- --port 4100`) runs the server, then the second shell's commands — the CLI
 * creating an integration, curl and `gatehouse token` getting a token, the Environment API called
 * with it — and the Environment API section's read-write example run as they are in bash. The only
 * difference from a reader's shell: GATEHOUSE_DATA_DIR points at a fresh folder, not ./data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The text of the README section under `heading` (up to the next `## `). */
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  const end = README.indexOf('\n## ', start + heading.length + 2);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The ```sh blocks of `text`. */
function shellBlocks(text: string): string[] {
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** The environment of a reader's shell: none of the test runner's Gatehouse settings. */
function readerEnv(dataDir: string): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUSE_') && k !== 'DATABASE_URL'),
  );
  return { ...base, GATEHOUSE_DATA_DIR: dataDir };
}

/** Runs `script` in bash (exit on the first failure) in the repository; resolves its output. */
function bash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += String(c)));
  child.stderr.on('data', (c: Buffer) => (err += String(c)));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

describe('README quick start, as written', () => {
  const quick = section('## Quick start');
  const [startBlock, shellBlock] = shellBlocks(quick);
  // The start line is `npm ci && npm start …`: the test runs it from `npm start` (its install is this checkout's).
  const startCommand = startBlock!
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .find((l) => l.includes('npm start'))!;
  const startLine = startCommand.slice(startCommand.indexOf('npm start'));
  const port = /--port (\d+)/.exec(startLine)?.[1];
  let dataDir: string;
  let server: ChildProcess;
  let banner = '';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'));
    // Its own process group, so the npm process and the server it starts stop together.
    server = spawn('bash', ['-c', startLine], { cwd: ROOT, env: readerEnv(dataDir), detached: true });
    await new Promise<void>((resolve, reject) => {
      const seen = (c: Buffer) => {
        banner += String(c);
        if (banner.includes('Console:')) resolve();
      };
      server.stdout!.on('data', seen);
      server.stderr!.on('data', seen);
      server.once('exit', (code) => reject(new Error(`${startLine} exited ${code}: ${banner}`)));
    });
  }, 240_000);
  afterAll(() => {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on the port it names (not 4000), and says its URL, store and throttle backend', () => {
    expect(startCommand.startsWith('npm ci && npm start')).toBe(true);
    expect(port).toBeDefined();
    expect(port).not.toBe('4000');
    expect(banner).toContain(`listening on http://127.0.0.1:${port} `);
    expect(banner).toContain(`issuer:   http://127.0.0.1:${port} `);
    expect(banner).toMatch(/store: +embedded store in /);
    expect(banner).toMatch(/throttle: +the store/);
  });

  it("the second shell's commands and the Environment API example work as written", async () => {
    expect(quick.split('\n').length).toBeLessThanOrEqual(62); // at most 60 lines under the heading
    const example = shellBlocks(section('## Environment API — `/api/v1`'))[0]!;
    const { code, out, err } = await bash(`${shellBlock}\n${example}`, readerEnv(dataDir));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(/"client_secret": "[^"]+"/);
    expect(out).toMatch(/"access_token":"eyJ/);
    expect(out).toContain('"type":"integration"');
    expect(out).toContain('"name":"demo"');
    expect(out).toContain('{"items":[],"next_cursor":null}');
    expect(out).toContain('"name":"Brochure"');
    expect(out).toMatch(/HTTP\/1\.1 403[\s\S]*error="insufficient_scope", scope="projects:write"/);
  });
});
