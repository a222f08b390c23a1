/**
 * Where Gatehouse may send a request it makes on someone's word (an integration's `jwks_uri`, a
 * federated issuer's keys, a webhook endpoint; docs/security.md I-87, N-120): https only and
 * public addresses only, unless the URL's host is in an allow-list (development, tests, a receiver
 * on the private network): then http and private addresses are allowed. Addresses are checked as
 * they are resolved, on the connection itself ({@link checkedLookup}), so DNS can't point an
 * allowed name at a private address between check and use.
 * @packageDocumentation
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

// Two lists: Node's BlockList matches an IPv4 address against IPv4-mapped IPv6 subnets, so one
// list holding `::ffff:0:0/96` would call every IPv4 address private.
const PRIVATE_V4 = new BlockList();
const PRIVATE_V6 = new BlockList();
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
for (const [net, bits] of [
  ['::', 127],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['2001:db8::', 32],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE_V6.addSubnet(net, bits, 'ipv6');

/**
 * True for loopback, private, link-local, shared, documentation, multicast and reserved addresses, for an
 * IPv4-mapped IPv6 address of one (`::ffff:10.0.0.1`; in hex form every mapped address), and for
 * anything not an IP address.
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE_V4.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
  return mapped ? PRIVATE_V4.check(mapped, 'ipv4') : PRIVATE_V6.check(address, 'ipv6');
}

/** What {@link outboundUrlPolicy} decides for a URL. */
export interface OutboundPolicy {
  /** Whether the URL may be registered and requested at all. */
  allowed: boolean;
  /** Whether it may use plain http and reach private addresses (its host is allow-listed). */
  privateOk: boolean;
}

/**
 * Whether `uri` may be registered and requested: `allowed` false for anything but https (http only
 * for an allowed host) and for a URL with userinfo or a fragment; `privateOk` when its host
 * (`hostname` or `host:port`, lower case) is in `allowedHosts`.
 */
export function outboundUrlPolicy(uri: string, allowedHosts: readonly string[]): OutboundPolicy {
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

/** Whether `url`'s host is an IP literal on a private address (refused before connecting unless `privateOk`). */
export function isPrivateLiteral(url: URL): boolean {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(literal) !== 0 && isPrivateAddress(literal);
}

/**
 * A `lookup` for `http.request` that refuses (error code `EPRIVATE`, message `<what> resolves to a
 * private address`) a name resolving to any private address, unless `privateOk`.
 */
export function checkedLookup(privateOk: boolean, what: string): LookupFunction {
  return (hostname, options, callback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, []);
      if (!privateOk && addresses.some((a) => isPrivateAddress(a.address)))
        return callback(Object.assign(new Error(`${what} resolves to a private address`), { code: 'EPRIVATE' }), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
