/**
 * A fake Environment API: records requests and answers from a route table keyed by
 * "METHOD /path", with bearer checks like Gatehouse's (RFC 6750).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { listen, sendJson } from './http-server.js';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Routed {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeApiServer {
  url: string;
  requests: ApiRequest[];
  /** Bearer tokens the server accepts. */
  validTokens: Set<string>;
  /** "METHOD /path" → answer; missing routes answer 404 `not_found`. */
  routes: Map<string, Routed | ((req: ApiRequest) => Routed)>;
  close(): Promise<void>;
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const state = {
    requests: [] as ApiRequest[],
    validTokens: new Set<string>(),
    routes: new Map<string, Routed | ((req: ApiRequest) => Routed)>(),
  };
  const server = await listen((req, res, raw) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const request: ApiRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: raw === '' ? undefined : JSON.parse(raw),
    };
    state.requests.push(request);
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined) return sendJson(res, 401, undefined, { 'www-authenticate': 'Bearer realm="gatehouse"' });
    if (!state.validTokens.has(token)) {
      return sendJson(
        res,
        401,
        { error: 'invalid_token', error_description: 'token revoked' },
        { 'www-authenticate': 'Bearer realm="gatehouse", error="invalid_token", error_description="token revoked"' },
      );
    }
    const route = state.routes.get(`${request.method} ${request.path}`);
    if (route === undefined) return sendJson(res, 404, { error: 'not_found', error_description: 'no such resource' });
    const answer = typeof route === 'function' ? route(request) : route;
    if (answer.status === 204) {
      res.writeHead(204, answer.headers);
      return void res.end();
    }
    sendJson(res, answer.status, answer.body, answer.headers);
  });
  return Object.assign(state, { url: server.url, close: server.close });
}
