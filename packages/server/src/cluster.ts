/**
 * `gatehouse serve --workers N`: N processes (node:cluster) sharing one listening port and one
 * store. Each worker is a whole Gatehouse node: its caches follow the store's change feed, so
 * what holds for several nodes on one store (docs/deploy.md) holds for the workers.
 * Whether it pays depends on the machine: see the README's "Performance" section.
 * @packageDocumentation
 */
import cluster, { type Worker } from 'node:cluster';

/** Options of {@link superviseWorkers}. */
export interface SuperviseOptions {
  /** How many workers to keep running (≥ 2). */
  workers: number;
  /** Called once, when the first worker listens, with the port the workers share. */
  onListening?: (port: number) => void;
  /** Longest wait for the workers to drain after SIGTERM/SIGINT, milliseconds (default 10000). */
  shutdownTimeoutMs?: number;
}

/**
 * In the primary process: forks `workers` copies of this command, replaces a worker that dies
 * unexpectedly, and on SIGTERM/SIGINT passes the signal on (each worker drains and exits), then
 * exits 0 once all are gone (1 after the timeout). Call it only where `cluster.isPrimary`.
 */
export function superviseWorkers(options: SuperviseOptions): void {
  let stopping = false;
  let announced = false;
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.once('listening', (address) => {
      if (announced) return;
      announced = true;
      options.onListening?.(address.port);
    });
    return worker;
  };
  for (let i = 0; i < options.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    process.stderr.write(`gatehouse: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), options.shutdownTimeoutMs ?? 10_000).unref();
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker?.process.kill(signal);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
