/**
 * Which addresses a `jwks_uri`, an issuer or a webhook may not reach without being an allowed host
 * (auth/jwks-fetcher.ts `isPrivateAddress`): loopback, private, link-local, shared, documentation,
 * multicast and reserved ones, IPv4-mapped ones by their IPv4 part — and no public address.
 */
import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/auth/jwks-fetcher.js';

describe('isPrivateAddress', () => {
  it('public IPv4 and IPv6 addresses are not private (an IPv4 address is not matched against IPv6 rules)', () => {
    for (const a of ['8.8.8.8', '93.184.215.14', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect([a, isPrivateAddress(a)]).toEqual([a, false]);
  });

  it('loopback, private, link-local, shared, documentation, multicast and reserved addresses are', () => {
    for (const a of [
      '0.0.0.0',
      '10.0.0.1',
      '100.64.0.1',
      '127.0.0.1',
      '169.254.169.254',
      '172.16.0.1',
      '192.168.1.1',
      '192.0.2.1',
      '198.51.100.1',
      '203.0.113.9',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a00:1',
      'fd00::1',
      'fe80::1',
      'ff02::1',
      '2001:db8::1',
      'not an address',
    ])
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
  });
});
