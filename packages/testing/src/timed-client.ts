/**
 * An HTTP client on its own thread, timing each request there: work the server does after an
 * answer (a queued audit write) can't delay the client reading it, as it would on a shared event
 * loop (docs/security.md G-74).
 */
import { Worker } from 'node:worker_threads';

const CODE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ url, init }) => {
  const start = process.hrtime.bigint();
  const res = await fetch(url, init);
  await res.text();
  parentPort.postMessage({ status: res.status, us: Number(process.hrtime.bigint() - start) / 1000 });
});`;

/** Sends requests one at a time from a worker thread; each answers its status and duration (µs). */
export class TimedClient {
  private readonly worker = new Worker(CODE, { eval: true });

  send(
    url: string,
    init: { method: string; headers: Record<string, string>; body: string },
  ): Promise<{ status: number; us: number }> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.postMessage({ url, init });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
