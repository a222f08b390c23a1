/**
 * Scopes of the built-in Environment API and the integration presets.
 * @packageDocumentation
 */

/** One scope of an API: its value (as sent in `scope`) and a human description. */
export interface ScopeDefinition {
  value: string;
  description: string;
}

/** Every scope of the built-in Environment API, in display order (PRODUCT.md "Concepts"). */
export const ENVIRONMENT_API_SCOPES: readonly ScopeDefinition[] = Object.freeze([
  { value: 'projects:read', description: 'List and read your own projects' },
  { value: 'projects:write', description: 'Create, change and delete your own projects' },
  { value: 'media:read', description: 'List and read media in the environment' },
  { value: 'media:write', description: 'Upload and change media in the environment' },
  { value: 'fonts:read', description: 'List and read fonts in the environment' },
  { value: 'fonts:write', description: 'Upload and change fonts in the environment' },
  { value: 'outputs:create', description: 'Request renders (outputs) of your projects' },
  { value: 'integrations:read', description: 'List and read integrations of the environment' },
  { value: 'integrations:write', description: 'Create, change and delete integrations' },
  { value: 'customers:read', description: 'List and read customers of the environment' },
  { value: 'customers:write', description: 'Change and delete customers of the environment' },
]);

/** Names of the integration presets accepted by the CLI and the management API. */
export type IntegrationPreset = 'read-only' | 'all-permissions';

/** The preset names, for validation. */
export const INTEGRATION_PRESETS: readonly IntegrationPreset[] = ['read-only', 'all-permissions'];

/**
 * Scopes a preset grants on the Environment API.
 * `read-only` = every `*:read` scope; `all-permissions` = all of them.
 * @example presetScopes('read-only') // ['projects:read', 'media:read', ...]
 */
export function presetScopes(preset: IntegrationPreset): string[] {
  const all = ENVIRONMENT_API_SCOPES.map((s) => s.value);
  return preset === 'read-only' ? all.filter((s) => s.endsWith(':read')) : all;
}

/** Default scopes granted to customer tokens of an environment (settable per environment). */
export const DEFAULT_CUSTOMER_SCOPES: readonly string[] = Object.freeze([
  'projects:read',
  'projects:write',
  'media:read',
  'fonts:read',
  'outputs:create',
]);
