/**
 * One webhook POST, bounded like a `jwks_uri` fetch (docs/security.md N-120): https and public
 * addresses only unless the host is in `GATEHOUSE_WEBHOOK_ALLOWED_HOSTS` (net/outbound-address.ts,
 * checked again on the connection itself), {@link WEBHOOK_TIMEOUT_MS} for the whole exchange, no
 * redirects (a 3xx is a failure), the response read to {@link WEBHOOK_MAX_RESPONSE_BYTES} at most.
 * Success is a 2xx. Never throws: every failure is an outcome the worker records and retries.
 * @packageDocumentation
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { checkedLookup, isPrivateLiteral, outboundUrlPolicy } from '../net/outbound-address.js';

/** Longest a delivery may take, connection, request and response, milliseconds. */
export const WEBHOOK_TIMEOUT_MS = 5000;
/** Most of a receiver's response read, bytes; the rest is never read. */
export const WEBHOOK_MAX_RESPONSE_BYTES = 1024;
/** The `user-agent` of every delivery. */
export const WEBHOOK_USER_AGENT = 'Gatehouse-Webhooks/1';

/** One POST to make. */
export interface WebhookRequest {
  url: string;
  /** The signature headers (webhooks/signature.ts); content type and user agent are added. */
  headers: Record<string, string>;
  /** The delivery's body, sent byte for byte. */
  body: string;
}

/** What a POST came to. */
export interface WebhookResponse {
  /** True for a 2xx. */
  ok: boolean;
  /** The receiver's status; null when none came. */
  statusCode: number | null;
  /** Why it failed, short and safe to store (no secret, no response body); null on success. */
  error: string | null;
  /** Milliseconds from start to the end of the exchange. */
  latencyMs: number;
}

/** Bounds of {@link sendWebhook}. */
export interface SendOptions {
  /** Hosts (`host` or `host:port`, lower case) allowed on http and private addresses. */
  allowedHosts: readonly string[];
  /** Whole-exchange limit, milliseconds; default {@link WEBHOOK_TIMEOUT_MS} (tests shorten it). */
  timeoutMs?: number | undefined;
}

/**
 * POSTs `request` within the bounds of `options` (see the module's comment).
 * @returns the outcome; never rejects.
 */
export function sendWebhook(request: WebhookRequest, options: SendOptions): Promise<WebhookResponse> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): WebhookResponse => ({
    ok: error === null && statusCode !== null && statusCode >= 200 && statusCode < 300,
    statusCode,
    error,
    latencyMs: Math.round(performance.now() - started),
  });
  const { allowed, privateOk } = outboundUrlPolicy(request.url, options.allowedHosts);
  if (!allowed)
    return Promise.resolve(done(null, 'URL not allowed: https only, or a host in GATEHOUSE_WEBHOOK_ALLOWED_HOSTS'));
  const url = new URL(request.url);
  if (!privateOk && isPrivateLiteral(url)) return Promise.resolve(done(null, 'refused: private address'));
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = Buffer.from(request.body, 'utf8');
  return new Promise<WebhookResponse>((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(done(statusCode, error));
    };
    const req = send(url, {
      method: 'POST',
      headers: {
        ...request.headers,
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': WEBHOOK_USER_AGENT,
      },
      lookup: checkedLookup(privateOk, 'webhook URL'),
      agent: false,
    });
    const timer = setTimeout(() => finish(null, `timed out after ${timeoutMs} ms`), timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish(null, err.code === 'EPRIVATE' ? 'refused: private address' : (err.code ?? err.message).slice(0, 200)),
    );
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? null;
      const error =
        status !== null && status >= 300 && status < 400
          ? `redirect (HTTP ${status}) not followed`
          : status !== null && status >= 200 && status < 300
            ? null
            : `HTTP ${status}`;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= WEBHOOK_MAX_RESPONSE_BYTES) finish(status, error);
      });
      res.on('end', () => finish(status, error));
      res.on('error', () => finish(status, error));
    });
    req.end(body);
  });
}
