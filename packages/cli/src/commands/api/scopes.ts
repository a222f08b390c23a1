/**
 * Parsing scope options of `gatehouse api …`: `--scopes "a b"` (whitespace- or comma-separated)
 * and repeatable `--scope "a=Read invoices"` (value, optional `=description`). Every value is
 * checked against the RFC 6749 §3.3 scope-token grammar before anything is stored.
 * @packageDocumentation
 */
import { isScopeValue } from '@gatehouse/contracts';

/** One scope with its description. */
export interface ScopeSpec {
  value: string;
  description: string;
}

/** Collects a repeatable option's values (commander `argParser`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function checked(value: string): string {
  if (!isScopeValue(value))
    throw new Error(
      `invalid scope ${JSON.stringify(value)}: a scope is 1-200 printable characters without spaces, quotes or backslashes`,
    );
  return value;
}

/**
 * The scopes of `--scopes` (split on whitespace and commas) and `--scope value[=description]`.
 * @throws Error naming a value that is not a scope-token, or a repeated value.
 */
export function parseScopes(list: string | undefined, specs: readonly string[] = []): ScopeSpec[] {
  const out: ScopeSpec[] = [];
  for (const v of (list ?? '').split(/[\s,]+/).filter(Boolean)) out.push({ value: checked(v), description: '' });
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const value = (eq < 0 ? spec : spec.slice(0, eq)).trim();
    out.push({ value: checked(value), description: eq < 0 ? '' : spec.slice(eq + 1).trim() });
  }
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.value)) throw new Error(`scope ${JSON.stringify(s.value)} is given twice`);
    seen.add(s.value);
  }
  return out;
}
