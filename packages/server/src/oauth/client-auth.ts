/**
 * Client authentication at the token, introspection and revocation endpoints (RFC 6749 §2.3.1):
 * `client_secret_basic`, `client_secret_post` or `private_key_jwt` (RFC 7523 §2.2), one at a time.
 * @packageDocumentation
 */
import { MAX_IDENTIFIER_LENGTH } from '../cache/bounded.js';
import { InvalidClient, InvalidRequest } from '../errors/oauth-error.js';
import { hasNul } from '../input/json-scan.js';
import { readClientAssertion, type AssertionCredentials } from '../auth/client-assertion.js';
import type { OAuthParams } from './params.js';
import { formDecode } from './params.js';

/** A client secret presented by a client, and how. */
export interface SecretCredentials {
  clientId: string;
  clientSecret: string;
  method: 'client_secret_basic' | 'client_secret_post';
}

/**
 * The `assertion` of the JWT bearer grant (RFC 7523 §2.1), which authenticates without client
 * authentication (oauth/grants/jwt-bearer.ts); `clientId` is the `client_id` sent with it, if any
 * (it must be the integration the token identifies), else empty.
 */
export interface BearerAssertionCredentials {
  method: 'jwt_bearer';
  clientId: string;
  assertion: string;
}

/** Credentials presented by a client: a secret, a JWT client assertion or a bearer assertion, told apart by `method`. */
export type ClientCredentials = SecretCredentials | AssertionCredentials | BearerAssertionCredentials;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads the client's credentials from the Authorization header and the body.
 * @throws InvalidRequest for Basic together with a body secret, a body `client_id` that differs
 *   from Basic's, a malformed Basic value or an empty secret (docs/security.md A-4…A-8), or a client
 *   assertion beside any other credential (I-86); InvalidClient when no credentials are presented
 *   at all, or a `client_id` longer than any issued one ({@link MAX_IDENTIFIER_LENGTH}): the same
 *   answer as an unknown client, given before any lookup, throttle counter or cache sees the id
 *   (docs/security.md H-76).
 */
export function readClientCredentials(authorization: string | undefined, params: OAuthParams): ClientCredentials {
  const creds = readPresented(authorization, params);
  if (creds.clientId.length > MAX_IDENTIFIER_LENGTH) throw new InvalidClient(creds.method === 'client_secret_basic');
  return creds;
}

function readPresented(authorization: string | undefined, params: OAuthParams): ClientCredentials {
  if (params.client_assertion !== undefined || params.client_assertion_type !== undefined)
    return readClientAssertion(authorization, params);
  if (authorization !== undefined) {
    const match = /^([A-Za-z]+)(?: +(.*))?$/.exec(authorization.trim());
    if (!match || match[1]!.toLowerCase() !== 'basic')
      throw new InvalidRequest('only HTTP Basic client authentication is accepted in the Authorization header');
    const { clientId, clientSecret } = decodeBasic(match[2] ?? '');
    if (params.client_secret !== undefined)
      throw new InvalidRequest('use one client authentication method, not Basic and client_secret together');
    if (params.client_id !== undefined && params.client_id !== clientId)
      throw new InvalidRequest('client_id in the body differs from the Authorization header');
    return { clientId, clientSecret, method: 'client_secret_basic' };
  }
  const { client_id: clientId, client_secret: clientSecret } = params;
  if (clientId === undefined && clientSecret === undefined) throw new InvalidClient(true);
  if (!clientId) throw new InvalidRequest('client_id is missing');
  if (clientSecret === undefined) throw new InvalidClient(false);
  if (clientSecret === '') throw new InvalidRequest('client_secret is empty');
  return { clientId, clientSecret, method: 'client_secret_post' };
}

function decodeBasic(value: string): { clientId: string; clientSecret: string } {
  if (!BASE64.test(value) || value.length % 4 !== 0) throw new InvalidRequest('malformed Basic credentials');
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw new InvalidRequest('malformed Basic credentials');
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  if (!clientId) throw new InvalidRequest('client_id is empty');
  if (!clientSecret) throw new InvalidRequest('client_secret is empty');
  if (hasNul(clientId) || hasNul(clientSecret)) throw new InvalidRequest('malformed Basic credentials');
  return { clientId, clientSecret };
}
