/** A short description of a set of Environment API scopes, and the presets. */

/** The scopes of the `read-only` preset among `all`: every `*:read`. */
export function readOnlyScopes(all: readonly string[]): string[] {
  return all.filter((s) => s.endsWith(':read'));
}

/** "All permissions", "Read-only", "No permissions" or "N of M permissions"; `all` = every scope of the API. */
export function permissionSummary(scopes: readonly string[], all: readonly string[]): string {
  const held = new Set(scopes);
  if (held.size === 0) return 'No permissions';
  if (all.length && all.every((s) => held.has(s))) return 'All permissions';
  const readOnly = readOnlyScopes(all);
  if (readOnly.length && readOnly.length === held.size && readOnly.every((s) => held.has(s))) return 'Read-only';
  return `${held.size} of ${all.length} permissions`;
}
