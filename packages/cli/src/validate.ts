/**
 * CLI input checked with the API's own schemas (the TypeBox schemas of `@gatehouse/contracts`), so
 * the CLI refuses what the API refuses (an empty or 5,000-character name, issue #25) before it
 * opens the store.
 * @packageDocumentation
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * `value` when it matches `schema`.
 * @param flags the option each property came from (`{ name: '--name' }`), to name it in the error.
 * @throws Error naming the first property that does not match (by its option) and why, e.g.
 *   `--name: must be at least 1 character(s)`.
 */
export function checked<T extends TSchema>(schema: T, value: unknown, flags: Record<string, string> = {}): Static<T> {
  const first = Value.Errors(schema, value).First();
  if (!first) return value as Static<T>;
  const top = first.path.split('/')[1] ?? '';
  const where = flags[top] ?? (first.path ? first.path.slice(1).replaceAll('/', '.') : 'input');
  throw new Error(`${where}: ${explain(first.schema, first.value, first.message)}`);
}

/** A plain-words reason from the failed (sub)schema's bounds, else TypeBox's own message. */
function explain(schema: TSchema, value: unknown, message: string): string {
  const s = schema as { minLength?: number; maxLength?: number; maxItems?: number; type?: unknown };
  if (!/length/.test(message)) return message.charAt(0).toLowerCase() + message.slice(1);
  if (s.type === 'string' && typeof value === 'string' && (s.minLength !== undefined || s.maxLength !== undefined)) {
    const bounds = s.maxLength === undefined ? `at least ${s.minLength}` : `${s.minLength ?? 0} to ${s.maxLength}`;
    return `must be ${bounds} characters long, got ${value.length}`;
  }
  if (s.type === 'array' && Array.isArray(value) && s.maxItems !== undefined)
    return `at most ${s.maxItems} values, got ${value.length}`;
  return message.charAt(0).toLowerCase() + message.slice(1);
}
