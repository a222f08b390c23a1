/**
 * A fake Gatehouse authorization server for token-source tests: RFC 8414 metadata, a scripted
 * token endpoint that records every request, and a JWKS.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { JWK } from 'jose';
import { createTestKey, signAccessToken, type TestKey } from './keys.js';
import { listen, sendJson } from './http-server.js';

/** One request the token endpoint received. */
export interface TokenCall {
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

/** A scripted answer of the token endpoint, or `'drop'` to reset the connection. */
export type TokenAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | 'drop';

export interface FakeAuthorizationServer {
  issuer: string;
  key: TestKey;
  /** Published JWKS; tests may push or replace keys. */
  jwks: JWK[];
  metadataRequests: number;
  jwksRequests: number;
  tokenCalls: TokenCall[];
  /** Answers consumed in order before the default (a fresh token) applies. */
  answers: TokenAnswer[];
  /** Answer of the metadata endpoint when set (default: the metadata). */
  metadataAnswer: TokenAnswer | undefined;
  /** `expires_in` of default answers, seconds. */
  expiresIn: number;
  /** Scope of default answers when the request has none. */
  scope: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts the fake server. */
export async function startFakeAuthorizationServer(): Promise<FakeAuthorizationServer> {
  const key = await createTestKey('key-1');
  let tokenSerial = 0;
  const state: Omit<FakeAuthorizationServer, 'issuer' | 'close'> = {
    key,
    jwks: [key.publicJwk],
    metadataRequests: 0,
    jwksRequests: 0,
    tokenCalls: [],
    answers: [],
    metadataAnswer: undefined,
    expiresIn: 3600,
    scope: 'projects:read media:read fonts:read',
  };
  const server = await listen(async (req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === '/.well-known/oauth-authorization-server') {
      state.metadataRequests++;
      const answer = state.metadataAnswer;
      if (answer === 'drop') return void req.socket.destroy();
      if (answer !== undefined) return sendJson(res, answer.status, answer.body, answer.headers);
      return sendJson(res, 200, {
        issuer: server.url,
        token_endpoint: `${server.url}/oauth/token`,
        jwks_uri: `${server.url}/.well-known/jwks.json`,
        introspection_endpoint: `${server.url}/oauth/introspect`,
        revocation_endpoint: `${server.url}/oauth/revoke`,
      });
    }
    if (req.method === 'GET' && path === '/.well-known/jwks.json') {
      state.jwksRequests++;
      return sendJson(res, 200, { keys: state.jwks });
    }
    if (req.method === 'POST' && path === '/oauth/token') {
      const form = new URLSearchParams(body);
      state.tokenCalls.push({ headers: req.headers, form });
      const answer = state.answers.shift();
      if (answer === 'drop') return void req.socket.destroy();
      if (answer !== undefined) return sendJson(res, answer.status, answer.body, answer.headers);
      const scope = form.get('scope') ?? state.scope;
      const accessToken = await signAccessToken(key, {
        issuer: server.url,
        audience: form.get('audience') ?? server.url,
        scope,
        claims: { jti: `jti-${++tokenSerial}` },
      });
      return sendJson(
        res,
        200,
        { access_token: accessToken, token_type: 'Bearer', expires_in: state.expiresIn, scope },
        { 'cache-control': 'no-store' },
      );
    }
    sendJson(res, 404, { error: 'not_found' });
  });
  return Object.assign(state, { issuer: server.url, close: server.close });
}
