/**
 * Fetching an integration's `jwks_uri` (RFC 7591 §2) with bounds: https only and public addresses
 * only, unless the host is in `GATEHOUSE_JWKS_URI_ALLOWED_HOSTS` (development); no redirects; at most
 * {@link JWKS_MAX_BYTES} in {@link JWKS_TIMEOUT_MS}. Addresses are checked as they are resolved, on
 * the connection itself, so DNS can't point an allowed name at a private address between check and
 * use. Results are cached per URI (bounded in bytes) for {@link JWKS_FRESH_SECONDS}; a URI is
 * fetched again at most once per {@link JWKS_COOLDOWN_SECONDS}, however many failures or unknown
 * `kid`s arrive (docs/security.md I-87). A failure yields no keys: the assertion fails as `invalid_client`.
 * @packageDocumentation
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import type { ClientKeyRecord } from '../store/repositories/integrations.js';
import { toClientKey } from './client-key.js';

/** Largest JWKS body read, bytes. */
export const JWKS_MAX_BYTES = 64 * 1024;
/** Longest a fetch may take, headers and body, milliseconds. */
export const JWKS_TIMEOUT_MS = 2000;
/** How long fetched keys are used without fetching again, seconds. */
export const JWKS_FRESH_SECONDS = 300;
/** Least time between two fetches of one URI, seconds. */
export const JWKS_COOLDOWN_SECONDS = 30;
/** Most keys taken from one JWKS. */
const MAX_REMOTE_KEYS = 10;

// Two lists: Node's BlockList matches an IPv4 address against IPv6 rules through its IPv4-mapped
// form, so one list holding `::ffff:0:0/96` would call every IPv4 address private.
const PRIVATE_V4 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const)
  PRIVATE_V4.addSubnet(net, bits, 'ipv4');
const PRIVATE_V6 = new BlockList();
for (const [net, bits] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['2001:db8::', 32],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE_V6.addSubnet(net, bits, 'ipv6');

/** True for loopback, private, link-local, shared, multicast and reserved addresses (IPv4-mapped too). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE_V4.check(address, 'ipv4');
  // An IPv4-mapped address (`::ffff:10.0.0.1`) is checked by its IPv4 part (the IPv4 list matches it).
  if (family === 6) return PRIVATE_V6.check(address, 'ipv6') || PRIVATE_V4.check(address, 'ipv6');
  return true;
}

/**
 * Whether `uri` may be registered and fetched: `allowed` false for anything but https (http only
 * for an allowed host); `privateOk` for an allowed host.
 */
export function jwksUriPolicy(uri: string, allowedHosts: readonly string[]): { allowed: boolean; privateOk: boolean } {
  if (!URL.canParse(uri)) return { allowed: false, privateOk: false };
  const url = new URL(uri);
  const privateOk = allowedHosts.includes(url.hostname.toLowerCase()) || allowedHosts.includes(url.host.toLowerCase());
  const allowed =
    (url.protocol === 'https:' || (url.protocol === 'http:' && privateOk)) &&
    !url.username &&
    !url.password &&
    !url.hash;
  return { allowed, privateOk };
}

interface Entry {
  keys: ClientKeyRecord[];
  /** Seconds. */
  fetchedAt: number;
  /** Seconds: the last fetch attempt, successful or not. */
  triedAt: number;
}

/** The bounded, cached `jwks_uri` fetcher of one process. */
export class JwksFetcher {
  /** Keys by URI, bounded at about 4 MiB. */
  private readonly cache = new LRUCache<string, Entry>({
    maxSize: 4 * 1024 * 1024,
    sizeCalculation: (e, uri) => uri.length + 200 + e.keys.reduce((n, k) => n + JSON.stringify(k.jwk).length + 100, 0),
  });
  private readonly inFlight = new Map<string, Promise<Entry>>();

  constructor(
    private readonly clock: Clock,
    private readonly allowedHosts: readonly string[],
  ) {}

  /**
   * The keys published at `uri`; fetched when nothing fresh is cached, or when `kid` is unknown
   * and the URI's cooldown has passed. Never throws: a failed fetch answers what was cached, or none.
   */
  async keys(uri: string, kid: string | undefined): Promise<ClientKeyRecord[]> {
    const now = nowSeconds(this.clock);
    const entry = this.cache.get(uri);
    const stale =
      !entry ||
      now - entry.fetchedAt >= JWKS_FRESH_SECONDS ||
      (kid !== undefined && !entry.keys.some((k) => k.kid === kid));
    if (!stale || (entry && now - entry.triedAt < JWKS_COOLDOWN_SECONDS)) return entry?.keys ?? [];
    let pending = this.inFlight.get(uri);
    if (!pending) {
      pending = this.refresh(uri, entry, now).finally(() => this.inFlight.delete(uri));
      this.inFlight.set(uri, pending);
    }
    return (await pending).keys;
  }

  private async refresh(uri: string, previous: Entry | undefined, now: number): Promise<Entry> {
    let entry: Entry;
    try {
      const body = await this.fetch(uri);
      const keys: ClientKeyRecord[] = [];
      const list =
        body && typeof body === 'object' && Array.isArray((body as { keys?: unknown }).keys)
          ? (body as { keys: unknown[] }).keys
          : [];
      for (const jwk of list.slice(0, MAX_REMOTE_KEYS)) {
        // Keys we can't pin to one asymmetric algorithm are skipped, not fatal. A published RSA key
        // without `alg` (Microsoft Entra, some SPIRE and cluster issuers) is RS256, what OpenID
        // providers sign with unless they say otherwise (OpenID Connect Discovery 1.0 §3).
        const member = jwk && typeof jwk === 'object' ? (jwk as Record<string, unknown>) : undefined;
        const pinned = member?.kty === 'RSA' && member.alg === undefined ? { ...member, alg: 'RS256' } : member;
        const key = pinned ? await toClientKey(pinned, now).catch(() => undefined) : undefined;
        if (key) keys.push(key);
      }
      entry = { keys, fetchedAt: now, triedAt: now };
    } catch {
      entry = previous ? { ...previous, triedAt: now } : { keys: [], fetchedAt: 0, triedAt: now };
    }
    this.cache.set(uri, entry);
    return entry;
  }

  private fetch(uri: string): Promise<unknown> {
    return fetchBoundedJson(uri, this.allowedHosts);
  }
}

/**
 * One bounded GET of `uri`, its JSON body.
 * @throws Error for a refused URI or address, a non-200 answer (redirects included), a body over
 *   {@link JWKS_MAX_BYTES}, a timeout or invalid JSON.
 */
export function fetchBoundedJson(uri: string, allowedHosts: readonly string[]): Promise<unknown> {
  const { allowed, privateOk } = jwksUriPolicy(uri, allowedHosts);
  if (!allowed) return Promise.reject(new Error('jwks_uri not allowed'));
  const url = new URL(uri);
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !privateOk && isPrivateAddress(literal)) return Promise.reject(new Error('private address'));
  const lookup = checkedLookup(privateOk);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: 'GET',
      headers: { accept: 'application/jwk-set+json, application/json' },
      lookup,
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error('jwks_uri timed out')), JWKS_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200 || Number(res.headers['content-length'] ?? 0) > JWKS_MAX_BYTES) {
        req.destroy(new Error(`jwks_uri answered ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > JWKS_MAX_BYTES) req.destroy(new Error('jwks_uri body too large'));
        else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.end();
  });
}

/** A `lookup` for http.request that refuses private addresses unless `privateOk`. */
function checkedLookup(privateOk: boolean): LookupFunction {
  return (hostname, options, callback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, []);
      if (!privateOk && addresses.some((a) => isPrivateAddress(a.address)))
        return callback(Object.assign(new Error('jwks_uri resolves to a private address'), { code: 'EPRIVATE' }), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
