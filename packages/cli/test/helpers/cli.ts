/**
 * Running the `gatehouse` CLI against a test server's store: in this process through `run()` with
 * its own streams and environment (issue #24: a start of the bundle costs a second or more), or as
 * a separate process (the few tests whose subject is the process: start, exit codes, the master key).
 */
import { execFile } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { MASTER_KEY } from '@gatehouse/testing/stores';
import type { TestServer } from '@gatehouse/testing/server';
import type { StoreLocation } from '@gatehouse/testing/stores';
import { run } from '../../src/main.js';

const runProcess = promisify(execFile);

/** The CLI's entry point (the bundle, rebuilt first when older than the sources: bin/gatehouse.mjs). */
export const BIN = fileURLToPath(new URL('../../bin/gatehouse.mjs', import.meta.url));

/** The store flags that point the CLI at `location` (PostgreSQL: the schema travels in the URL). */
export function storeFlags(location: StoreLocation): string[] {
  return location.databaseUrl
    ? ['--database-url', `${location.databaseUrl}?options=${encodeURIComponent(`-c search_path=${location.pgSchema}`)}`]
    : ['--data', location.dataDir];
}

/** What a run of the CLI ended with: its exit code and everything it wrote. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stream that keeps what is written to it. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      callback();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs `gatehouse …args` in this process, as the bundle would: `env` is its whole environment
 * (default: this process's with the test master key), `stdin` what is piped in (not a terminal).
 * Never rejects: the exit code is in the result.
 */
export async function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const stdin = Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]);
  const code = await run(['node', 'gatehouse', ...args], {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin,
    env: options.env ?? { ...process.env, GATEHOUSE_MASTER_KEY: MASTER_KEY },
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/**
 * Like `promisify(execFile)`: resolves `{stdout, stderr}` when the exit code is 0, else rejects with
 * an Error carrying `code`, `stdout` and `stderr`.
 */
export async function orReject(result: Promise<CliResult>): Promise<{ stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await result;
  if (code === 0) return { stdout, stderr };
  throw Object.assign(new Error(`gatehouse exited with ${code}: ${stderr}`), { code, stdout, stderr });
}

/** A function running `gatehouse <store flags> …args` in this process with the test master key (rejects on a non-zero exit). */
export function cliFor(t: TestServer): (...args: string[]) => Promise<{ stdout: string; stderr: string }> {
  const store = storeFlags(t.location);
  return (...args) => orReject(runCli([...store, ...args]));
}

/** The same as a separate process of the bundle (30 s timeout), for tests whose subject is the process. */
export function processCliFor(t: TestServer): (...args: string[]) => Promise<{ stdout: string; stderr: string }> {
  const store = storeFlags(t.location);
  return (...args) =>
    runProcess(process.execPath, [BIN, ...store, ...args], {
      env: { ...process.env, GATEHOUSE_MASTER_KEY: MASTER_KEY },
      timeout: 30_000,
    });
}
