/**
 * A validation answer of the server names the field (`invalid body: slug must be at most 63
 * characters`, see the server's errors/validation-message.ts): a form shows that sentence at that field.
 * @packageDocumentation
 */
import { ApiRequestError } from '../api/client';

/**
 * The field of `fields` a 400 answer names, with the server's sentence from the field on
 * (`slug must be at most 63 characters`); undefined for any other error (shown as before).
 */
export function serverFieldError(
  err: unknown,
  fields: readonly string[],
): { field: string; message: string } | undefined {
  if (!(err instanceof ApiRequestError) || err.status !== 400) return undefined;
  const m = /^invalid body: ([\w.[\]]+) (.+)$/.exec(err.message);
  if (!m || !fields.includes(m[1]!)) return undefined;
  return { field: m[1]!, message: `${m[1]} ${m[2]}` };
}
