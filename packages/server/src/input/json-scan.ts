/**
 * Checks on JSON before and after parsing, without recursion: nesting depth and NUL characters
 * (docs/security.md H-77). Deeply nested JSON parses, but every later recursive walk of it
 * (`JSON.stringify`, validation, the driver) overflows the stack; a NUL reaching PostgreSQL fails
 * the query. Both are refused where the body is parsed.
 * @packageDocumentation
 */

/** Deepest nesting of objects and arrays accepted in any JSON document (body, token claims). */
export const MAX_JSON_DEPTH = 64;

/**
 * Scans JSON text once, left to right, for nesting deeper than `maxDepth` and for a `\u0000`
 * escape in any string (a raw NUL is invalid JSON already). Malformed text is left to the parser.
 * @param text - JSON text
 * @param maxDepth - deepest nesting allowed (objects and arrays)
 * @returns what is wrong, or undefined when neither is found
 */
export function scanJsonText(text: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) {
        if (text.charCodeAt(i + 1) === 0x75 /* u */ && /^0000$/.test(text.slice(i + 2, i + 6)))
          return 'a string holds a NUL character';
        i++;
      } else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return `JSON nested deeper than ${maxDepth} levels`;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return undefined;
}

/** True when `s` holds a NUL character (U+0000). */
export function hasNul(s: string): boolean {
  return s.includes('\0');
}

/**
 * Walks a parsed value breadth-first (no recursion) for nesting deeper than `maxDepth` and for a
 * NUL character in any string or member name.
 * @returns what is wrong, or undefined when neither is found
 */
export function checkJsonValue(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  let level: unknown[] = [value];
  for (let depth = 0; level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (typeof v === 'string') {
        if (hasNul(v)) return 'a string holds a NUL character';
      } else if (v !== null && typeof v === 'object') {
        if (depth >= maxDepth) return `JSON nested deeper than ${maxDepth} levels`;
        for (const [name, member] of Object.entries(v)) {
          if (hasNul(name)) return 'a member name holds a NUL character';
          next.push(member);
        }
      }
    }
    level = next;
  }
  return undefined;
}
