/**
 * Client authentication as the OAuth endpoints run it (docs/security.md A-11, G-72…G-74): learn the
 * shared windows (Redis only), look the client up, then — with no `await` in between — refuse
 * when a window is full, verify, and count a failure in this process; then count it across nodes.
 * A failure answers after the same work whether the client exists or not: its audit is queued.
 * @packageDocumentation
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import {
  InvalidClient,
  InvalidClientAssertion,
  InvalidGrantAssertion,
  TooManyRequests,
  type AssertionFailure,
} from '../errors/oauth-error.js';
import { authenticateClientAssertion, type AssertionCredentials } from '../auth/client-assertion.js';
import { FederatedTokenRefused, verifyPlatformToken } from '../auth/federated-token.js';
import type { Runtime } from '../runtime.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import { recordAudit } from '../services/audit.js';
import { TOKEN_THROTTLE, type ScopedWindow, type WindowScope } from '../throttle/throttle.js';
import { findClient, verifyClient } from './authenticate.js';
import type { ClientCredentials } from './client-auth.js';
import { federatedOrNot, type FederatedCredentials } from './federated-credentials.js';

/**
 * The authenticated client of an OAuth request whose `credentials` were read by `readClientCredentials`.
 * @throws TooManyRequests (429) when a window is full, InvalidClient (401).
 */
export async function authenticateRequest(
  rt: Runtime,
  request: FastifyRequest,
  presented: ClientCredentials,
): Promise<{ client: ClientRecord; env: EnvironmentRecord }> {
  // A platform token's (iss, sub) names its integration: found (a cached read) before the windows are counted.
  const credentials = await federatedOrNot(rt, presented);
  const windows = rt.throttle.windows(TOKEN_THROTTLE, credentials.clientId, request.ip);
  const learning = rt.throttle.learn(windows);
  if (learning) await learning;
  if (credentials.method === 'private_key_jwt' || credentials.method === 'federated')
    return authenticateAssertion(rt, request, credentials, windows);
  const found = await findClient(rt, credentials.clientId);
  assertOpen(rt, windows);
  const verified = verifyClient(rt, found, credentials);
  if (verified) return verified;
  throw await failed(rt, request, credentials, windows);
}

/**
 * Assertions are checked asynchronously (signature, perhaps a `jwks_uri` fetch, the replay
 * store), so the windows can't be checked and counted in one synchronous step as for secrets.
 * Instead one verification per (client, address) runs at a time, the others waiting in line
 * (bounded): each checks the windows when its turn comes, so a burst verifies at most the window's
 * limit, and an honest client's concurrent requests wait rather than fail (G-72).
 */
async function authenticateAssertion(
  rt: Runtime,
  request: FastifyRequest,
  credentials: AssertionCredentials | FederatedCredentials,
  windows: ScopedWindow[],
): Promise<{ client: ClientRecord; env: EnvironmentRecord }> {
  const slot = rt.assertions.enter(windows[0]!.key);
  if (!slot) throw new TooManyRequests(1, 'too many client assertions being verified, retry later');
  const release = await slot;
  try {
    assertOpen(rt, windows);
    try {
      if (credentials.method === 'private_key_jwt') return await authenticateClientAssertion(rt, credentials);
      return await verifyFederated(rt, credentials);
    } catch (err) {
      if (!(err instanceof InvalidClient || err instanceof InvalidGrantAssertion)) throw err;
      const refusal = err instanceof InvalidClientAssertion || err instanceof InvalidGrantAssertion ? err : undefined;
      // The check that failed, in the answer, the log line and the audit entry (I-85, L-105).
      if (refusal)
        request.log.info(
          { client_id: credentials.clientId, reason: refusal.reason },
          credentials.method === 'federated' ? 'platform token refused' : 'client assertion refused',
        );
      throw await failed(rt, request, credentials, windows, refusal);
    }
  } finally {
    release();
  }
}

/**
 * Verifies a platform token; a refusal is 401 `invalid_client` as client authentication (RFC 7523
 * §3.2), 400 `invalid_grant` as the JWT bearer grant (§3.1), naming the failed check either way.
 */
async function verifyFederated(
  rt: Runtime,
  credentials: FederatedCredentials,
): Promise<{ client: ClientRecord; env: EnvironmentRecord }> {
  try {
    return await verifyPlatformToken(rt, credentials.assertion, credentials.credential, credentials.namedClientId);
  } catch (err) {
    if (!(err instanceof FederatedTokenRefused)) throw err;
    if (credentials.grant) throw new InvalidGrantAssertion(err.reason, err.description);
    throw new InvalidClientAssertion(err.reason, err.description);
  }
}

function assertOpen(rt: Runtime, windows: readonly ScopedWindow[]): void {
  try {
    rt.throttle.assertOpen(windows);
  } catch (err) {
    rt.metrics.authFailures.inc({ reason: 'throttled' });
    throw err;
  }
}

/**
 * Counts a failed authentication (here at once, then across nodes) and queues its audit; the error
 * to answer: 429 when a window is full, else `refusal` (a client assertion's, naming its check) or
 * the one answer of every secret failure.
 */
async function failed(
  rt: Runtime,
  request: FastifyRequest,
  credentials: ClientCredentials | FederatedCredentials,
  windows: readonly ScopedWindow[],
  refusal?: InvalidClientAssertion | InvalidGrantAssertion,
): Promise<Error> {
  const failure = await rt.throttle.fail(windows);
  rt.metrics.authFailures.inc({ reason: failure.refused ? 'throttled' : 'invalid_client' });
  const now = rt.ctx.clock.now();
  const reason = refusal?.reason;
  // A platform token no credential trusts names no integration to audit against.
  const audited = credentials.method === 'federated' && !credentials.credential ? '' : credentials.clientId;
  rt.audits.push(() => auditFailure(rt, request.log, request.ip, audited, failure.filled, now, reason));
  return failure.refused ?? refusal ?? new InvalidClient(credentials.method === 'client_secret_basic');
}

/**
 * Audits a failed authentication of a known client, and the throttling it started when it filled
 * a window (once per window, not per refused attempt): the client's in its environment, the IP's
 * server-wide. Unknown clients have no environment to be audited in. Recorded without saying
 * whether the client exists (F-61). Runs off the response path (the audit queue); `now` is the
 * failure's time, milliseconds; `reason` the check a client assertion failed (details `reason`).
 */
export async function auditFailure(
  rt: Runtime,
  log: FastifyBaseLogger,
  ip: string,
  clientId: string,
  filled: WindowScope[],
  now: number,
  reason?: AssertionFailure,
): Promise<void> {
  const actor = { actor: 'anonymous', ip };
  if (filled.includes('ip')) {
    log.warn({ ip }, 'failed authentications from this IP are throttled');
    await recordAudit(
      rt.ctx,
      actor,
      { environmentId: null, action: 'ip.throttled', target: ip, result: 'failure' },
      now,
    ).catch(() => undefined);
  }
  const client = clientId ? await rt.directory.client(clientId).catch(() => undefined) : undefined;
  if (!client) return;
  await recordAudit(
    rt.ctx,
    actor,
    {
      environmentId: client.environmentId,
      action: 'client.auth_failed',
      target: client.clientId,
      result: 'failure',
      ...(reason && { details: { reason } }),
    },
    now,
  ).catch(() => undefined);
  for (const scope of filled.filter((s) => s !== 'ip')) {
    await recordAudit(
      rt.ctx,
      actor,
      {
        environmentId: client.environmentId,
        action: 'client.throttled',
        target: client.clientId,
        result: 'failure',
        details: { window: scope },
      },
      now,
    ).catch(() => undefined);
  }
}
