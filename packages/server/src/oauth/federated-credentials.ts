/**
 * Which presented JWTs are platform tokens of a federated credential (issue #26): the JWT bearer
 * grant's `assertion` always; a `client_assertion` when its unverified `iss` ≠ `sub` and a
 * credential trusts that pair (a `private_key_jwt` assertion has `iss` = `sub` = client_id). The
 * look-up reads Gatehouse's own store (cached): an issuer that no credential names is never contacted.
 * @packageDocumentation
 */
import type { AssertionCredentials } from '../auth/client-assertion.js';
import { platformIssuerSubject } from '../auth/federated-token.js';
import type { Runtime } from '../runtime.js';
import type { HeldFederatedCredential } from '../store/repositories/federated-credentials.js';
import type { ClientCredentials, SecretCredentials } from './client-auth.js';

/** A platform token to verify against the credential its (`iss`, `sub`) found. */
export interface FederatedCredentials {
  method: 'federated';
  /** True for the JWT bearer grant (failures 400 `invalid_grant`), false as client authentication (401). */
  grant: boolean;
  /** What the throttle counts against: the holder's `client_id`, or empty when no credential was found. */
  clientId: string;
  assertion: string;
  credential: HeldFederatedCredential | undefined;
  /** The `client_id` the request named, if any: it must be the holder's. */
  namedClientId: string | undefined;
}

/**
 * `presented` as it is to be verified: secrets and `private_key_jwt` assertions as they are, platform
 * tokens as {@link FederatedCredentials}.
 * @throws store errors (503).
 */
export async function federatedOrNot(
  rt: Runtime,
  presented: ClientCredentials,
): Promise<SecretCredentials | AssertionCredentials | FederatedCredentials> {
  if (!('assertion' in presented)) return presented;
  const grant = presented.method === 'jwt_bearer';
  const pair = presented.method === 'jwt_bearer' ? platformIssuerSubject(presented.assertion) : presented.platform;
  const credential = pair && (await rt.federated.find(pair.iss, pair.sub));
  // A client assertion whose pair no credential trusts is a private_key_jwt one (iss ≠ sub: it fails as such).
  if (presented.method === 'private_key_jwt' && !credential)
    return { ...presented, clientId: presented.clientId || (pair?.sub ?? '') };
  const namedClientId = presented.clientId || undefined;
  return {
    method: 'federated',
    grant,
    clientId: namedClientId ?? credential?.clientId ?? '',
    assertion: presented.assertion,
    credential,
    namedClientId,
  };
}
