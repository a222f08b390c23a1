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

/**
 * A summary of an integration's grants on every API: the Environment API's as
 * {@link permissionSummary}, each other API as "Name: N of M" (or "Name: all"), joined by " · ";
 * "No permissions" only when it holds no scope on any API. `apis` is the environment's APIs (a
 * grant on an audience not among them counts its scopes alone).
 */
export function grantsSummary(
  grants: readonly { audience: string; scopes: readonly string[] }[],
  apis: readonly { audience: string; name: string; built_in: boolean; scopes: readonly { value: string }[] }[],
): string {
  const parts: string[] = [];
  for (const g of grants) {
    if (!g.scopes.length) continue;
    const api = apis.find((a) => a.audience === g.audience);
    const all = api?.scopes.map((s) => s.value) ?? [];
    if (api?.built_in) parts.unshift(permissionSummary(g.scopes, all));
    else if (all.length && all.every((s) => g.scopes.includes(s))) parts.push(`${api?.name ?? g.audience}: all`);
    else parts.push(`${api?.name ?? g.audience}: ${g.scopes.length}${all.length ? ` of ${all.length}` : ''}`);
  }
  return parts.length ? parts.join(' · ') : 'No permissions';
}
