/**
 * `gatehouse serve --workers N`: N processes (node:cluster) sharing one listening port and one
 * store. Each worker is a whole Gatehouse node: its caches follow the store's change feed, so
 * what holds for several nodes on one store (docs/deploy.md) holds for the workers.
 * Whether it pays depends on the machine: see the README's "Performance" section.
 * @packageDocumentation
 */
import cluster, { type Worker } from 'node:cluster';

/** Workers that die before listening, in a row, after which the primary gives up. */
const MAX_START_FAILURES = 3;

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
 * after it listened, and on SIGTERM/SIGINT passes the signal on (each worker drains and exits),
 * then exits 0 once all are gone (1 after the timeout). Workers that die before they listen are
 * started again after a short pause, up to 3 in a row; then all stop and the primary exits 1.
 * Call it only where `cluster.isPrimary`.
 */
export function superviseWorkers(options: SuperviseOptions): void {
  let stopping = false;
  let exitCode = 0;
  let startFailures = 0;
  let announced = false;
  const listened = new WeakSet<Worker>();
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.once('listening', (address) => {
      listened.add(worker);
      startFailures = 0;
      if (announced) return;
      announced = true;
      options.onListening?.(address.port);
    });
    return worker;
  };
  for (let i = 0; i < options.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
      return;
    }
    if (!listened.has(worker)) {
      // A worker that never listened: retried a few times (a transient store error), but not in a
      // loop when it can't start at all (port taken, store unreachable…).
      startFailures++;
      if (startFailures >= MAX_START_FAILURES) {
        process.stderr.write(
          `gatehouse: worker ${worker.process.pid} failed to start (${signal ?? code}) ${startFailures} times in a row; stopping\n`,
        );
        exitCode = 1;
        stop('SIGTERM');
        return;
      }
      process.stderr.write(
        `gatehouse: worker ${worker.process.pid} failed to start (${signal ?? code}); trying again\n`,
      );
      setTimeout(() => stopping || fork(), 250 * startFailures);
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
    if (workers.length === 0) process.exit(exitCode);
    for (const worker of workers) worker?.process.kill(signal);
  };
  // `on`, not `once`: a second Ctrl-C must not kill the primary while its workers drain.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
