/**
 * docs/security.md H-77, the parse-time scan of JSON text: it agrees with a walk of the parsed value on
 * nesting depth and NUL characters for any JSON (escaped quotes and backslashes included), and it
 * needs no stack for any depth.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkJsonValue, scanJsonText } from '../../src/input/json-scan.js';

const SEED = Number(process.env.GATEHOUSE_FUZZ_SEED ?? 20_261_130);

describe('H-77 JSON scan', () => {
  it('H-77 the text scan and the value walk agree on depth and NUL for any JSON value', () => {
    const text = fc.oneof(fc.string(), fc.constantFrom('\0', 'a\\"{[', '\\u0000', '\\', '"'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        text,
        fc.integer(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(text, tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 6 }), (v, depth) => {
        expect(scanJsonText(JSON.stringify(v), depth) === undefined).toBe(checkJsonValue(v, depth) === undefined);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('H-77 200,000 levels of nesting are refused without recursion; 64 are accepted', () => {
    expect(scanJsonText('['.repeat(200_000) + ']'.repeat(200_000))).toMatch(/deeper than 64/);
    expect(scanJsonText('{"a":'.repeat(64) + '1' + '}'.repeat(64))).toBeUndefined();
    expect(scanJsonText('{"a":'.repeat(65) + '1' + '}'.repeat(65))).toMatch(/deeper/);
    // A quote or bracket inside a string is text, not structure; an escaped backslash ends no string.
    expect(scanJsonText(JSON.stringify({ a: '[[[[{{{{"\\' }), 2)).toBeUndefined();
    expect(scanJsonText(JSON.stringify({ a: '\\u0000' }))).toBeUndefined();
    expect(scanJsonText(JSON.stringify({ a: 'x\0' }))).toMatch(/NUL/);
  });
});
