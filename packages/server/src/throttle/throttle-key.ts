/**
 * Throttle keys: fixed-size digests of what a window counts (docs/security.md H-76), and the source
 * address as the windows see it (an IPv6 /64 counts as one address, G-73).
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/**
 * The key of a window: SHA-256 (base64url, 43 characters) of its parts, so a 60 KB client_id
 * costs the store and the memory of the process no more than a short one.
 * @param parts - e.g. `['token', 'client+address', clientId, address]`; joined unambiguously.
 */
export function throttleKey(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:`).update(part);
  return hash.digest('base64url');
}

/**
 * The source address a window counts: IPv4 as it is (IPv4-mapped IPv6 included), IPv6 as its
 * /64 prefix (one subscriber usually holds a whole /64), anything unparsable as it is.
 */
export function sourceAddress(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}
