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
import type { FailureThrottle } from './throttle.js';

/**
 * The authenticated client of an OAuth request whose `credentials` were read by `readClientCredentials`.
 * @throws TooManyRequests when throttled, InvalidClient.
 */
export async function authenticateRequest(rt: Runtime, throttle: FailureThrottle, request: FastifyRequest, credentials: ClientCredentials): Promise<{ client: ClientRecord; env: EnvironmentRecord }> {
  try {
    throttle.check(credentials.clientId, request.ip);
  } catch (err) {
    rt.metrics.authFailures.inc({ reason: 'throttled' });
    throw err;
  }
  try {
    return await authenticateClient(rt, credentials);
  } catch (err) {
    if (err instanceof InvalidClient) {
      throttle.fail(credentials.clientId, request.ip);
      rt.metrics.authFailures.inc({ reason: 'invalid_client' });
      // A failure is recorded without saying whether the client exists (F-61).
      const client = await rt.directory.client(credentials.clientId).catch(() => undefined);
      if (client) await audit(rt.ctx.db, { actor: 'anonymous', ip: request.ip }, { environmentId: client.environmentId, action: 'client.auth_failed', target: client.clientId, result: 'failure' }, rt.ctx.clock.now()).catch(() => undefined);
    }
    throw err;
  }
}
