/**
 * @gatehouse/server: build and run the Gatehouse authorization server; services for the CLI.
 * @packageDocumentation
 */
export { loadConfig, redactDatabaseUrl, storePlace, type Config, type ConfigInput } from './config/config.js';
export { MasterKeyRefused } from './keys/unlock-store.js';
export { systemClock, type Clock } from './clock.js';
export { CLI_ACTOR, type Actor, type Context } from './context.js';
export { createRuntime, openContext, prepareStore, type Runtime, type RuntimeDeps } from './runtime.js';
export { buildApp, type AppOptions } from './app.js';
export { startServer, closeOnSignals, type RunningServer } from './main.js';
export { superviseWorkers, type SuperviseOptions } from './cluster.js';
export { openStore, type Store, type StoreOptions } from './store/db.js';
export { backupEmbeddedStore, BackupRefused, type BackupResult } from './store/backup.js';
export { restoreEmbeddedStore } from './keys/restore-store.js';
export { migrateToLatest } from './store/migrations/index.js';
export * as environments from './services/environments.js';
export * as integrations from './services/integrations.js';
export * as credentials from './services/credentials.js';
export * as apis from './services/apis.js';
export { deleteEnvironment, type EnvironmentDeleted } from './services/environment-removal.js';
export * as admins from './services/admins.js';
export * as operators from './services/operators.js';
export * as members from './services/members.js';
export * as invitations from './services/invitations.js';
export { listAudit } from './services/audit.js';
export * as webhooks from './services/webhooks.js';
export * as webhookDeliveries from './services/webhook-deliveries.js';
export { servedUrls, type ServedUrls } from './services/served-url.js';
export { rotateSigningKey, loadSigningKeys, ensureActiveKey, promoteDueKeys } from './keys/signing-keys.js';
export { ApiError } from './errors/api-error.js';
export { Conflict, DomainError, Forbidden, InvalidInput, NotFound, Unauthenticated } from './errors/domain-errors.js';
