/** A short description of a set of Environment API scopes, and the presets. */

/** What a front end may hold: the content read scopes (docs/product.md; contracts' FRONT_END_SCOPES). */
const FRONT_END = ['projects:read', 'media:read', 'fonts:read'];
/** Granted explicitly only: another integration's credentials. */
const SECRETS = 'integrations:secrets';

/** The scopes of the `read-only` preset among `all`: the content read scopes, never a management scope. */
export function readOnlyScopes(all: readonly string[]): string[] {
  return all.filter((s) => FRONT_END.includes(s));
}

/** The scopes of the `all-permissions` preset among `all`: every one but `integrations:secrets`. */
export function allPermissionScopes(all: readonly string[]): string[] {
  return all.filter((s) => s !== SECRETS);
}

/** "All permissions", "Read-only", "No permissions" or "N of M permissions"; `all` = every scope of the API. */
export function permissionSummary(scopes: readonly string[], all: readonly string[]): string {
  const held = new Set(scopes);
  if (held.size === 0) return 'No permissions';
  const every = allPermissionScopes(all);
  if (every.length && every.length === held.size && every.every((s) => held.has(s))) return 'All permissions';
  if (all.length && all.every((s) => held.has(s))) return 'All permissions and secrets';
  const readOnly = readOnlyScopes(all);
  if (readOnly.length && readOnly.length === held.size && readOnly.every((s) => held.has(s))) return 'Read-only';
  return `${held.size} of ${all.length} permissions`;
}
