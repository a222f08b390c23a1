/**
 * Client authentication as the OAuth endpoints run it: read the credentials, refuse throttled
 * clients and IPs before any hashing, verify, and count a failure.
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import { InvalidClient } from '../errors/oauth-error.js';
import type { Runtime } from '../runtime.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import { audit } from '../services/audit.js';
import { authenticateClient } from './authenticate.js';
import type { ClientCredentials } from './client-auth.js';
import type { AuthThrottle, ThrottleScope } from './throttle.js';

/**
 * The authenticated client of an OAuth request whose `credentials` were read by `readClientCredentials`.
 * @throws TooManyRequests when throttled, InvalidClient.
 */
export async function authenticateRequest(rt: Runtime, throttle: AuthThrottle, request: FastifyRequest, credentials: ClientCredentials): Promise<{ client: ClientRecord; env: EnvironmentRecord }> {
  try {
    await throttle.check(request, credentials.clientId);
  } catch (err) {
    rt.metrics.authFailures.inc({ reason: 'throttled' });
    throw err;
  }
  try {
    return await authenticateClient(rt, credentials);
  } catch (err) {
    if (err instanceof InvalidClient) {
      const filled = await throttle.fail(request, credentials.clientId);
      rt.metrics.authFailures.inc({ reason: 'invalid_client' });
      await auditFailure(rt, request, credentials.clientId, filled);
    }
    throw err;
  }
}

/**
 * Audits a failed authentication of a known client, and the throttling it started when it filled
 * a window (once per window, not per refused attempt): the client's in its environment, the IP's
 * server-wide. Unknown clients have no environment to be audited in. Recorded without saying
 * whether the client exists (F-61).
 */
async function auditFailure(rt: Runtime, request: FastifyRequest, clientId: string, filled: ThrottleScope[]): Promise<void> {
  const actor = { actor: 'anonymous', ip: request.ip };
  const now = rt.ctx.clock.now();
  if (filled.includes('ip')) {
    request.log.warn({ ip: request.ip }, 'failed authentications from this IP are throttled');
    await audit(rt.ctx.db, actor, { environmentId: null, action: 'ip.throttled', target: request.ip, result: 'failure' }, now).catch(() => undefined);
  }
  const client = await rt.directory.client(clientId).catch(() => undefined);
  if (!client) return;
  await audit(rt.ctx.db, actor, { environmentId: client.environmentId, action: 'client.auth_failed', target: client.clientId, result: 'failure' }, now).catch(() => undefined);
  for (const scope of filled) {
    await audit(rt.ctx.db, actor, { environmentId: client.environmentId, action: 'client.throttled', target: client.clientId, result: 'failure', details: { window: scope } }, now).catch(() => undefined);
  }
}
