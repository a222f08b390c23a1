/**
 * A fake JWKS endpoint that counts fetches and can be switched to failing.
 */
import type { JWK } from 'jose';
import { listen, sendJson } from './http-server.js';

export interface FakeJwksServer {
  /** Base URL; the key set is at `/.well-known/jwks.json`. */
  url: string;
  jwksUri: string;
  keys: JWK[];
  fetches: number;
  /** When set, answers this status instead of the key set. */
  failWith: number | undefined;
  close(): Promise<void>;
}

export async function startFakeJwksServer(keys: JWK[]): Promise<FakeJwksServer> {
  const state = { keys, fetches: 0, failWith: undefined as number | undefined };
  const server = await listen((_req, res) => {
    state.fetches++;
    if (state.failWith !== undefined) return sendJson(res, state.failWith, { error: 'down' });
    sendJson(res, 200, { keys: state.keys });
  });
  return Object.assign(state, { url: server.url, jwksUri: `${server.url}/.well-known/jwks.json`, close: server.close });
}
