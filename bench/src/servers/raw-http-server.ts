/**
 * Child-process entry of case (a): a bare `node:http` server that reads the request body and
 * answers every POST with the same token-sized JSON. The ceiling of any Node token endpoint.
 * @packageDocumentation
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceReady } from '../child-process.js';
import { tokenBody } from './fixtures.js';

const body = Buffer.from(tokenBody());
const headers = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': String(body.length),
  'cache-control': 'no-store',
};

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  req.on('data', () => {});
  req.on('end', () => res.writeHead(200, headers).end(body));
});
server.keepAliveTimeout = 65_000;

server.listen(0, '127.0.0.1', () => announceReady((server.address() as AddressInfo).port));
