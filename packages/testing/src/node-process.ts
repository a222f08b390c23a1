/**
 * Gatehouse as a real process (`gatehouse serve`), for multi-node and fault tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { MASTER_KEY, type StoreLocation } from './stores.js';

const BIN = fileURLToPath(new URL('../../cli/bin/gatehouse.mjs', import.meta.url));

/** A free TCP port on the loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The database URL for a store location (PostgreSQL schema through the `options` parameter). */
export function databaseUrlOf(location: StoreLocation): string | undefined {
  return (
    location.databaseUrl &&
    `${location.databaseUrl}?options=${encodeURIComponent(`-c search_path=${location.pgSchema}`)}`
  );
}

/** A running node. */
export interface NodeProcess {
  url: string;
  child: ChildProcess;
  /** Output so far (stderr and stdout). */
  output(): string;
  /** Resolves with the exit code or signal when the process ends. */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `gatehouse serve` on `location` (same issuer for every node so tokens cross nodes) and
 * waits until `/healthz` answers.
 */
export async function startNode(
  location: StoreLocation,
  issuer: string,
  env: Record<string, string> = {},
): Promise<NodeProcess> {
  const port = await freePort();
  const dbUrl = databaseUrlOf(location);
  const child = spawn(
    process.execPath,
    [BIN, ...(dbUrl ? ['--database-url', dbUrl] : ['--data', location.dataDir]), 'serve', '--port', String(port)],
    {
      env: {
        ...process.env,
        GATEHOUSE_MASTER_KEY: MASTER_KEY,
        GATEHOUSE_ISSUER: issuer,
        GATEHOUSE_LOG_LEVEL: 'warn',
        GATEHOUSE_CHANGE_POLL_MS: '100',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const url = `http://127.0.0.1:${port}`;
  // A process start (bundle load, migrations, cluster fork) can take tens of seconds on a loaded CI.
  const deadline = Date.now() + 45_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`node did not start within 45 s (exit ${child.exitCode}): ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, child, output: () => out, exited, kill: (s) => child.kill(s) };
}
