/**
 * Scopes of the built-in Environment API and the integration presets.
 * @packageDocumentation
 */

/** One scope of an API: its value (as sent in `scope`) and a human description. */
export interface ScopeDefinition {
  value: string;
  description: string;
}

/** Every scope of the built-in Environment API, in display order (docs/product.md "Concepts"). */
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
  { value: 'audit:read', description: 'Read the audit log of the environment' },
  { value: 'webhooks:write', description: "Add, change and remove the environment's webhook endpoints" },
  {
    value: 'integrations:secrets',
    description: "Rotate other integrations' secrets and receive them (credential automation; in no preset)",
  },
]);

/**
 * Content scopes: what an integration or a customer does with its own projects and the
 * environment's media and fonts (docs/product.md "Concepts").
 */
export const CONTENT_SCOPES: readonly string[] = Object.freeze([
  'projects:read',
  'projects:write',
  'media:read',
  'media:write',
  'fonts:read',
  'fonts:write',
  'outputs:create',
]);

/**
 * Management scopes: the environment's integrations, customers, audit log and webhooks. A token holding any
 * of them must never reach a browser.
 */
export const MANAGEMENT_SCOPES: readonly string[] = Object.freeze([
  'integrations:read',
  'integrations:write',
  'integrations:secrets',
  'customers:read',
  'customers:write',
  'audit:read',
  'webhooks:write',
]);

/**
 * The scopes a token handed to a front end may hold: the content read scopes (the `read-only`
 * preset). `@gatehouse/client`'s `createAuthData` refuses any other by default.
 */
export const FRONT_END_SCOPES: readonly string[] = Object.freeze(['projects:read', 'media:read', 'fonts:read']);

/** Granted explicitly only, never by a preset: hands over other integrations' credentials. */
export const SECRETS_SCOPE = 'integrations:secrets';

/** Names of the integration presets accepted by the CLI and the management API. */
export type IntegrationPreset = 'read-only' | 'all-permissions';

/** The preset names, for validation. */
export const INTEGRATION_PRESETS: readonly IntegrationPreset[] = ['read-only', 'all-permissions'];

/**
 * Scopes a preset grants on the Environment API (docs/product.md "Concepts"): `read-only` = the content
 * read scopes {@link FRONT_END_SCOPES} (what a front end may hold, never a management scope);
 * `all-permissions` = every scope except {@link SECRETS_SCOPE}.
 * @example presetScopes('read-only') // ['projects:read', 'media:read', 'fonts:read']
 */
export function presetScopes(preset: IntegrationPreset): string[] {
  const all = ENVIRONMENT_API_SCOPES.map((s) => s.value);
  return preset === 'read-only'
    ? all.filter((s) => FRONT_END_SCOPES.includes(s))
    : all.filter((s) => s !== SECRETS_SCOPE);
}

/** Default scopes granted to customer tokens of an environment (settable per environment). */
export const DEFAULT_CUSTOMER_SCOPES: readonly string[] = Object.freeze([
  'projects:read',
  'projects:write',
  'media:read',
  'fonts:read',
  'outputs:create',
]);
