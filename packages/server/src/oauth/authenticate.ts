/**
 * Verifying a client's credentials against the directory. Unknown client, wrong secret, expired
 * secret and disabled client all fail the same way after the same work (SECURITY.md A-1… ).
 * @packageDocumentation
 */
import { nowSeconds } from '../clock.js';
import { InvalidClient } from '../errors/oauth-error.js';
import type { Runtime } from '../runtime.js';
import { digestMatches, digestSecret } from '../services/secrets.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import type { ClientCredentials } from './client-auth.js';
import { authenticateClientAssertion } from '../auth/client-assertion.js';

/**
 * The authenticated client and its environment.
 * @throws InvalidClient (with the Basic challenge when Basic was used).
 */
export async function authenticateClient(rt: Runtime, creds: ClientCredentials): Promise<{ client: ClientRecord; env: EnvironmentRecord }> {
  if (creds.method === 'private_key_jwt') return authenticateClientAssertion(rt, creds);
  const client = await rt.directory.client(creds.clientId);
  const now = nowSeconds(rt.ctx.clock);
  // One digest of the presented secret, compared with the current and the previous hash alike.
  const given = digestSecret(rt.ctx.sealer.secretPepper, creds.clientSecret);
  // A key-only integration has no secret: nothing presented ever matches (SECURITY.md I-86).
  const current = digestMatches(given, client?.hasSecret ? client.secretHash : null);
  const previousValid = !!client?.previousSecretHash && (client.previousSecretExpiresAt ?? 0) > now;
  const previous = digestMatches(given, previousValid ? client!.previousSecretHash : null);
  const expired = client?.secretExpiresAt != null && client.secretExpiresAt <= now;
  const env = client && (await rt.directory.environment('id', client.environmentId));
  if (!client || !env || !client.enabled || !((current && !expired) || previous)) throw new InvalidClient(creds.method === 'client_secret_basic');
  return { client, env };
}
