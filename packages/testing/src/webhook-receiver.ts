/**
 * TEST-ONLY: a real webhook receiver on 127.0.0.1 (an ephemeral port, or a given one to come back
 * on after being down) that records every request and answers as the test says: a status, after a
 * delay, never (hang), or a body that never ends.
 * @packageDocumentation
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';

/** One request the receiver got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** `webhook-id`. */
  id: string;
  /** The body's `type`. */
  type: string;
  /** Real milliseconds when it arrived. */
  at: number;
}

/** How to answer one request: a status (default 204), optionally late, or never. */
export type ReceiverAnswer =
  number | { status?: number; delayMs?: number; hang?: boolean; headers?: Record<string, string>; stream?: boolean };

/** A running receiver. */
export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Responses the receiver stopped sending because the sender hung up (a huge or endless body). */
  abandoned: number;
  /** Changes how the next requests are answered. */
  answer(how: ReceiverAnswer | ((hit: ReceivedWebhook) => ReceiverAnswer)): void;
  /** Resolves once `count` requests arrived (polling, real time), or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (`port` 0: an ephemeral one). */
export async function startWebhookReceiver(port = 0, path = '/hook'): Promise<WebhookReceiver> {
  let how: ReceiverAnswer | ((hit: ReceivedWebhook) => ReceiverAnswer) = 204;
  const received: ReceivedWebhook[] = [];
  const open = new Set<ServerResponse>();
  const state = { abandoned: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let type = '';
      try {
        type = String((JSON.parse(body) as { type?: unknown }).type ?? '');
      } catch {
        // not JSON
      }
      const hit: ReceivedWebhook = {
        headers: req.headers,
        body,
        id: String(req.headers['webhook-id'] ?? ''),
        type,
        at: Date.now(),
      };
      received.push(hit);
      const answer = typeof how === 'function' ? how(hit) : how;
      const a = typeof answer === 'number' ? { status: answer } : answer;
      open.add(res);
      res.on('close', () => {
        if (!res.writableEnded) state.abandoned++;
        open.delete(res);
      });
      if (a.hang) return;
      const respond = () => {
        res.writeHead(a.status ?? 204, a.headers);
        if (!a.stream) return res.end();
        // An endless body, 1 KiB at a time.
        const chunk = Buffer.alloc(1024, 'x');
        const more = () => {
          if (res.destroyed) return;
          res.write(chunk);
          setTimeout(more, 2);
        };
        more();
      };
      if (a.delayMs) setTimeout(respond, a.delayMs);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${actual}${path}`,
    port: actual,
    received,
    get abandoned() {
      return state.abandoned;
    },
    answer(next) {
      how = next;
    },
    async waitFor(count, timeoutMs = 10_000) {
      for (const deadline = Date.now() + timeoutMs; received.length < count;) {
        if (Date.now() > deadline)
          throw new Error(`receiver got ${received.length} of ${count} requests in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
