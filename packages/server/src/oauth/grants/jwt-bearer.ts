/**
 * The JWT bearer grant (RFC 7523 §2.1) for federated credentials (issue #26): the `assertion` is a
 * platform token (Kubernetes, GitHub Actions, SPIFFE…) whose (`iss`, `sub`) names the integration.
 * It replaces client authentication, so none may be sent beside it; a `client_id` (which public-client
 * libraries such as openid-client send) must name the integration the token identifies. The token
 * endpoint verifies it in the one client-authentication step (oauth/authenticate-request.ts:
 * throttle windows reserved first, the disabled integration refused, failures 400 `invalid_grant`
 * naming the check, RFC 7523 §3.1); then the grant answers as `client_credentials` does, with
 * `scope`, `audience`/`resource`, reuse and DPoP.
 * @packageDocumentation
 */
import { JWT_BEARER_GRANT } from '@gatehouse/contracts';
import { MAX_ASSERTION_LENGTH } from '../../auth/client-assertion.js';
import { InvalidRequest } from '../../errors/oauth-error.js';
import type { BearerAssertionCredentials } from '../client-auth.js';
import { clientCredentials } from './client-credentials.js';
import type { Grant } from './grant.js';

/** Parameters of client authentication, none of which goes with this grant. */
const CLIENT_AUTH_PARAMS = ['client_secret', 'client_assertion', 'client_assertion_type'] as const;

/**
 * Reads the grant's `assertion` (RFC 7521 §4.1).
 * @throws InvalidRequest for client authentication beside it, or a missing or over-long assertion.
 */
export function readBearerAssertion(
  authorization: string | undefined,
  params: Readonly<Record<string, string>>,
): BearerAssertionCredentials {
  if (authorization !== undefined || CLIENT_AUTH_PARAMS.some((p) => params[p] !== undefined))
    throw new InvalidRequest('the jwt-bearer grant takes no client authentication: the assertion authenticates');
  const { assertion } = params;
  if (!assertion) throw new InvalidRequest('assertion is missing');
  if (assertion.length > MAX_ASSERTION_LENGTH) throw new InvalidRequest('assertion is too long');
  return { method: 'jwt_bearer', clientId: params.client_id ?? '', assertion };
}

/** The JWT bearer grant: its client is the assertion's; the rest is `client_credentials`'. */
export const jwtBearer: Grant = {
  grantType: JWT_BEARER_GRANT,
  readCredentials: readBearerAssertion,
  handler: clientCredentials.handler,
};
