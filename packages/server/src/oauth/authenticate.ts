/**
 * Verifying a client's credentials against the directory. Unknown client, wrong secret, expired
 * secret and disabled client all fail the same way after the same work (docs/security.md A-1…A-3,
 * A-9, G-74). Split in two so the throttle can count an attempt with no `await` between its
 * check and the verification: {@link findClient} (async, cached) then {@link verifyClient} (sync).
 * @packageDocumentation
 */
import { nowSeconds } from '../clock.js';
import type { Runtime } from '../runtime.js';
import { digestMatches, digestSecret } from '../services/secrets.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import type { SecretCredentials } from './client-auth.js';

/** A client_id as looked up: the client and its environment when both exist. */
export interface FoundClient {
  client: ClientRecord | undefined;
  env: EnvironmentRecord | undefined;
}

/** Looks up the client and its environment in the directory (cached; unknown ids too). */
export async function findClient(rt: Runtime, clientId: string): Promise<FoundClient> {
  const client = await rt.directory.client(clientId);
  const env = client && (await rt.directory.environment('id', client.environmentId));
  return { client, env };
}

/**
 * The authenticated client and its environment, or undefined. Synchronous, and the same work
 * for every client_id, known or not: one HMAC digest of the presented secret, compared with the
 * current and the previous hash (a missing one compares against a dummy).
 */
export function verifyClient(
  rt: Runtime,
  found: FoundClient,
  creds: SecretCredentials,
): { client: ClientRecord; env: EnvironmentRecord } | undefined {
  const { client, env } = found;
  const now = nowSeconds(rt.ctx.clock);
  const given = digestSecret(rt.ctx.sealer.secretPepper, creds.clientSecret);
  // A key-only integration has no secret: nothing presented ever matches (docs/security.md I-86).
  const current = digestMatches(given, client?.hasSecret ? client.secretHash : null);
  const previousValid = !!client?.previousSecretHash && (client.previousSecretExpiresAt ?? 0) > now;
  const previous = digestMatches(given, previousValid ? client!.previousSecretHash : null);
  const expired = client?.secretExpiresAt != null && client.secretExpiresAt <= now;
  if (!client || !env || !client.enabled || !((current && !expired) || previous)) return undefined;
  return { client, env };
}
