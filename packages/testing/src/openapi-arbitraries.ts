/**
 * fast-check arbitraries for requests to the routes of an OpenAPI document: values shaped after
 * each JSON schema (so they get past validation and reach the handlers) mixed with hostile ones
 * (deep nesting, NUL characters, huge or non-finite numbers, wrong types, empty objects, long
 * strings). Used by the fuzz test of docs/security.md H-77.
 */
import fc from 'fast-check';

/** The part of JSON Schema the document uses. */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  nullable?: boolean;
}

/** `{"a":…}` nested `depth` deep, as JSON text. */
export const deepJson = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Strings an attacker tries in any string position. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'a\0b',
    '\0',
    '..',
    '../../etc/passwd',
    "' OR 1=1--",
    '%00',
    '\u202e',
    '😀',
    '\ud800',
    'null',
    '-1',
    '1e309',
    'NaN',
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 256, max: 70_000 }).map((n) => 'x'.repeat(n)),
);

/** Numbers (as JSON text or values) beyond any range. */
const hostileNumber = fc.oneof(fc.constantFrom(-1, 0, 2 ** 53, -(2 ** 63), 1.5, 1e308), fc.double(), fc.integer());

/** A value shaped by `schema`, `depth` levels from the root. */
export function fromSchema(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const shaped = shapedBy(schema, depth);
  // Nested values are shaped more often, so that a fair share of whole bodies passes validation.
  return fc.oneof({ weight: depth === 0 ? 4 : 12, arbitrary: shaped }, { weight: 1, arbitrary: hostileValue(depth) });
}

function shapedBy(s: Schema, depth: number): fc.Arbitrary<unknown> {
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.anyOf) return fc.oneof(...s.anyOf.map((a) => fromSchema(a, depth)));
  const base = ((): fc.Arbitrary<unknown> => {
    switch (s.type) {
      case 'string':
        if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
        return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 50, 50) });
      case 'integer':
        return fc.integer({
          min: Math.max(s.minimum ?? -1e6, Number.MIN_SAFE_INTEGER),
          max: Math.min(s.maximum ?? 1e6, Number.MAX_SAFE_INTEGER),
        });
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(s.items ? fromSchema(s.items, depth + 1) : fc.jsonValue({ maxDepth: 2 }), {
          maxLength: Math.min(s.maxItems ?? 4, 4),
        });
      case 'object': {
        if (!s.properties)
          return fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
        const props = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, fromSchema(v, depth + 1)]));
        return fc.record(props, { requiredKeys: s.required ?? [] });
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return s.nullable ? fc.option(base, { nil: null }) : base;
}

function hostileValue(depth: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostileString,
    hostileNumber,
    fc.constantFrom(null, true, {}, [], { __proto__: { admin: true } }, { '': '' }, { 'k\0': 'v' }),
    depth < 2 ? fc.anything({ maxDepth: 3 }) : fc.constant(null),
  );
}

/** A JSON request body for `schema` as raw text: shaped, or hostile text the parser must refuse. */
export function jsonBody(schema: Schema | undefined): fc.Arbitrary<string> {
  const shaped = schema ? fromSchema(schema).map((v) => JSON.stringify(v) ?? 'null') : fc.constant('{}');
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.integer({ min: 60, max: 6000 }).map(deepJson),
        fc.integer({ min: 60, max: 6000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
        fc.constantFrom(
          '{}',
          '[]',
          'null',
          '',
          '{',
          '{"a":1e309}',
          '{"name":"\\u0000"}',
          '{"\\u0000":1}',
          '{"a":1,"a":2}',
          '{"__proto__":{"x":1}}',
          '{"constructor":{"prototype":{}}}',
          '"str"',
          '123456789012345678901234567890',
        ),
        shaped.map((text) => text.replace(/"([^"\\]*)"/, '"$1\\u0000"')),
      ),
    },
  );
}

/** A query value for a parameter of `schema`: shaped or hostile. */
export function queryValue(schema: Schema): fc.Arbitrary<string> {
  const shaped = shapedBy(schema, 0).map((v) => String(v));
  return fc.oneof(
    { weight: 2, arbitrary: shaped },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '1e309',
        '-1',
        'abc',
        '0',
        '1.5',
        '99999999999999999999',
        '',
        '\0',
        'Infinity',
        '0x10',
      ),
    },
    { weight: 1, arbitrary: hostileString },
  );
}
