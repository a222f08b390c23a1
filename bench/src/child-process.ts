/**
 * Child processes of the harness: every server under load runs in its own process, so the load
 * generator and the server never share an event loop.
 * @packageDocumentation
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** `--import` value that lets a child Node process run TypeScript (the tsx loader). */
export const TSX_IMPORT = pathToFileURL(require.resolve('tsx')).href;

/** Keeps the last `limit` characters a stream wrote, for error messages. */
export class OutputTail {
  private text = '';
  constructor(private readonly limit = 4000) {}

  /** Appends a chunk, dropping the oldest characters beyond the limit. */
  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }

  /** The kept text, trimmed; `fallback` when nothing was written. */
  toString(fallback = ''): string {
    return this.text.trim() || fallback;
  }
}

/** Collects a child's stdout and stderr into one tail (which also keeps the pipes drained). */
export function captureOutput(child: ChildProcess, tail = new OutputTail()): OutputTail {
  child.stdout?.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
  return tail;
}

/** A running server in a child process. */
export interface ChildServer {
  pid: number;
  port: number;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** What the child wrote so far (stdout and stderr, last few KB). */
  output: OutputTail;
  stop: () => Promise<void>;
}

/**
 * Sends SIGTERM and waits for the exit; SIGKILL after `graceMs` milliseconds.
 * Resolves at once if the process already exited.
 */
export async function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Forks a TypeScript server entry (run through tsx) and waits for its `{type: 'ready', port}`
 * IPC message.
 * @param entry - absolute path of the entry file
 * @param timeoutMs - how long to wait for readiness, milliseconds
 */
export function forkServer(entry: string, timeoutMs = 20_000): Promise<ChildServer> {
  const child = fork(entry, [], {
    execArgv: ['--import', TSX_IMPORT],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const output = captureOutput(child);
  return new Promise<ChildServer>((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      void stopProcess(child);
      reject(new Error(`${reason}: ${output.toString('(no output)')}`));
    };
    const timer = setTimeout(() => fail(`server did not start within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code, signal) => fail(`server exited early (code ${code}, signal ${signal})`));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'ready' || typeof message.port !== 'number' || child.pid === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.disconnect();
      resolve({
        pid: child.pid,
        port: message.port,
        origin: `http://127.0.0.1:${message.port}`,
        output,
        stop: () => stopProcess(child),
      });
    });
  });
}

/** Called by a child-server entry once it listens: tells the parent its port. */
export function announceReady(port: number): void {
  if (process.send) process.send({ type: 'ready', port });
  else console.log(`listening on http://127.0.0.1:${port}`);
}
