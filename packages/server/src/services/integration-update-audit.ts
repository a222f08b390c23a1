/**
 * Audit entries of an integration change (issue #19): a change of state is its own action,
 * `integration.disable` or `integration.enable`, whatever path made it (API, CLI, console); any
 * other change is `integration.update`. Each carries `changes`, the before and after of the
 * changed fields (never a secret or a hash).
 * @packageDocumentation
 */
import type { Actor } from '../context.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import type { AuditEntry } from '../store/repositories/audit.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { fieldChanges } from './audit-changes.js';

/** The fields of an integration an audit entry may show, as the API shows them. */
export function auditableIntegration(env: EnvironmentRecord, c: ClientRecord): Record<string, unknown> {
  return {
    name: c.name,
    description: c.description,
    enabled: c.enabled,
    grants: env.apis
      .filter((api) => c.grants.has(api.id))
      .map((api) => ({
        audience: api.audience,
        scopes: api.scopes.map((s) => s.value).filter((v) => c.grants.get(api.id)!.has(v)),
      })),
    token_quota_per_hour: c.tokenQuotaPerHour,
    secret_expires_at: c.secretExpiresAt === null ? null : new Date(c.secretExpiresAt * 1000).toISOString(),
    jwks_uri: c.jwksUri,
    dpop_bound_access_tokens: c.dpopBound,
    token_exchange: { enabled: c.tokenExchange.enabled, audiences: c.tokenExchange.audiences },
  };
}

/**
 * Writes the entries of a change from `before` to `after` in the caller's unit of work.
 * `extra` goes into the `integration.update` entry (e.g. `revoked_tokens_for`). `nowMs` in milliseconds.
 */
export async function auditIntegrationChange(
  uow: UnitOfWork,
  actor: Actor,
  env: EnvironmentRecord,
  before: ClientRecord,
  after: ClientRecord,
  extra: Record<string, unknown>,
  nowMs: number,
): Promise<void> {
  const { enabled, ...changes } = fieldChanges(auditableIntegration(env, before), auditableIntegration(env, after));
  const base: Omit<AuditEntry, 'action'> = { environmentId: env.id, target: after.clientId };
  if (enabled)
    await uow.audit(
      actor,
      {
        ...base,
        action: after.enabled ? 'integration.enable' : 'integration.disable',
        details: { changes: { enabled } },
      },
      nowMs,
    );
  // A request that only changed the state has been recorded; an empty one is still an update.
  if (enabled && !Object.keys(changes).length && !Object.keys(extra).length) return;
  await uow.audit(actor, { ...base, action: 'integration.update', details: { ...extra, changes } }, nowMs);
}
