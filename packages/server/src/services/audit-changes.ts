/**
 * "What changed" for audit entries of updates (issue #19): the before and after of every field
 * whose value changed. Callers pass only fields that are safe to record (never a secret or a
 * hash); values are compared by their JSON form.
 * @packageDocumentation
 */

/** Before and after of one changed field. */
export interface FieldChange {
  before: unknown;
  after: unknown;
}

/** Changed fields by name: `{ name: { before: 'a', after: 'b' } }`; empty when nothing changed. */
export type FieldChanges = Record<string, FieldChange>;

/**
 * The fields of `after` whose value differs from `before` (absent counts as null).
 * @example fieldChanges({ name: 'a', enabled: true }, { name: 'b', enabled: true }) // { name: { before: 'a', after: 'b' } }
 */
export function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>): FieldChanges {
  const out: FieldChanges = {};
  for (const key of Object.keys(after)) {
    const b = before[key] ?? null;
    const a = after[key] ?? null;
    if (JSON.stringify(b) !== JSON.stringify(a)) out[key] = { before: b, after: a };
  }
  return out;
}
