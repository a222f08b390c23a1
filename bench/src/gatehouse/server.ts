/**
 * Starts the Gatehouse server (`gatehouse serve`) in its own process on a port picked here, and
 * waits for `GET /healthz` to answer 200.
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { captureOutput, stopProcess, type OutputTail } from '../child-process.js';
import { envNumber } from '../options.js';
import { GATEHOUSE_BIN, REPO_ROOT } from '../paths.js';

/** A running Gatehouse server. */
export interface GatehouseServer {
  pid: number;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  port: number;
  dataDir: string;
  output: OutputTail;
  stop: () => Promise<void>;
}

/** A TCP port free right now on 127.0.0.1 (the OS picks it; it is released before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Throws a readable error when the Gatehouse CLI entry point is missing. */
export function assertGatehouseBuilt(): void {
  if (!existsSync(GATEHOUSE_BIN))
    throw new Error('packages/cli/dist/gatehouse.mjs not found (run npm run build -w @gatehouse/cli)');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `gatehouse serve --port <free port> --data <dataDir>` (with `--workers <workers>` when
 * given) with `GATEHOUSE_LOG_LEVEL=warn` and waits until `/healthz` answers 200, for at most
 * `GATEHOUSE_START_TIMEOUT` seconds (default 30).
 * `env` adds to the server's environment (e.g. `OTEL_*`).
 * Throws (after stopping the process) with the server's last output when it exits or times out.
 */
export async function startGatehouse(
  dataDir: string,
  workers = 1,
  env: Record<string, string> = {},
): Promise<GatehouseServer> {
  assertGatehouseBuilt();
  const port = await freePort();
  const args = [
    GATEHOUSE_BIN,
    'serve',
    '--port',
    String(port),
    '--data',
    dataDir,
    ...(workers > 1 ? ['--workers', String(workers)] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, GATEHOUSE_LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + envNumber('GATEHOUSE_START_TIMEOUT', 30) * 1000;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`gatehouse serve exited (code ${child.exitCode}, signal ${child.signalCode})`);
      }
      if (Date.now() > deadline) throw new Error('gatehouse serve: /healthz not 200 in time');
      const status = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) break;
      await sleep(100);
    }
  } catch (error) {
    await stopProcess(child);
    throw new Error(`${(error as Error).message}: ${output.toString('(no output)')}`);
  }
  return { pid: child.pid as number, origin, port, dataDir, output, stop: () => stopProcess(child, 5000) };
}
