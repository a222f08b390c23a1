/**
 * Case (a): a bare `node:http` server answering a ~700-byte token JSON — the ceiling.
 * @packageDocumentation
 */
import { forkServer } from '../child-process.js';
import { serverEntry } from '../paths.js';
import type { BenchCase } from '../types.js';

export const rawHttpCase: BenchCase = {
  id: 'a',
  name: '(a) raw node:http',
  async setup() {
    const server = await forkServer(serverEntry('raw-http-server.ts'));
    return {
      url: `${server.origin}/oauth/token`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      pid: server.pid,
      teardown: server.stop,
    };
  },
};
