import { describe, expect, it } from 'vitest';
import { bearerToken, BearerRequestError, TokenMissingError } from '../../src/index.js';

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['BEARER abc-_~+/=', 'abc-_~+/='],
    [['Bearer one'], 'one'],
  ])('reads %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });

  it.each([undefined, null, '', 'Basic Y2xpZW50OnNlY3JldA==', 'Token abc', 'Bearerabc'])(
    'treats %j as no bearer token',
    (header) => {
      expect(() => bearerToken(header)).toThrow(TokenMissingError);
    },
  );

  it.each(['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a"b', 'Bearer =abc'])(
    'rejects %j as a malformed request',
    (header) => {
      expect(() => bearerToken(header)).toThrow(BearerRequestError);
    },
  );

  it('rejects a repeated header', () => {
    expect(() => bearerToken(['Bearer a', 'Bearer b'])).toThrow(BearerRequestError);
  });
});
