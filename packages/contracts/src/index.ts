/**
 * @gatehouse/contracts: the shapes shared by the Gatehouse server, CLI, console and SDK.
 * @packageDocumentation
 */
export * from './scopes.js';
export * from './oauth.js';
export * from './oauth-requests.js';
export * from './api.js';
export * from './management.js';
export * from './errors.js';
export * from './objects.js';
export * from './invitations.js';
export * from './actions.js';
export * from './webhooks.js';
