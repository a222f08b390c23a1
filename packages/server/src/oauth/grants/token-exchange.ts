/**
 * The token-exchange grant (RFC 8693): a client allowed to exchange presents a subject token (a
 * Gatehouse access token or a tenant-signed customer token) and gets an RFC 9068 access token for
 * the subject's `sub`, with `act` naming itself (§4.1), scopes within both the subject's and its
 * own grants on the target audience, and an `exp` no later than the subject's (docs/security.md
 * M-112…M-119).
 * @packageDocumentation
 */
import {
  ACCESS_TOKEN_TYPE,
  JWT_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT,
  type ActClaim,
  type TokenResponse,
} from '@gatehouse/contracts';
import {
  InvalidGrant,
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
  UnauthorizedClient,
} from '../../errors/oauth-error.js';
import type { SubjectTokens } from '../../tokens/subject-token.js';
import { actDepth, MAX_ACT_DEPTH } from '../../tokens/subject-token.js';
import type { Grant, GrantContext } from './grant.js';
import { resolveAudience, resolveScopes } from './client-credentials.js';

/** The token types a subject may have, by their RFC 8693 §3 identifiers. */
const SUBJECT_TYPES: ReadonlyMap<string, 'access_token' | 'jwt'> = new Map([
  [ACCESS_TOKEN_TYPE, 'access_token'],
  [JWT_TOKEN_TYPE, 'jwt'],
]);

/**
 * The token-exchange grant, verifying subject and actor tokens with `subjects`.
 * @throws (from the handler) UnauthorizedClient (exchange not enabled, M-112); InvalidRequest
 *   (missing or malformed parameters, an unsupported `requested_token_type`, an actor token not
 *   the caller's own, M-116); InvalidGrant (subject inactive or foreign, M-113; `may_act` naming
 *   another client, M-115); InvalidTarget / InvalidScope (wider than allowed, M-114).
 */
export function tokenExchange(subjects: SubjectTokens): Grant {
  return {
    grantType: TOKEN_EXCHANGE_GRANT,
    async handler({ env, client, params, issuer, actor, jkt }: GrantContext): Promise<TokenResponse> {
      if (!client.tokenExchange.enabled) throw new UnauthorizedClient('this integration may not exchange tokens');
      const { subject_token: subjectToken, subject_token_type: subjectType } = params;
      if (!subjectToken) throw new InvalidRequest('subject_token is missing');
      if (!subjectType) throw new InvalidRequest('subject_token_type is missing');
      const kind = SUBJECT_TYPES.get(subjectType);
      if (!kind) throw new InvalidRequest('subject_token_type must be access_token or jwt (RFC 8693 §3)');
      if (params.requested_token_type !== undefined && params.requested_token_type !== ACCESS_TOKEN_TYPE)
        throw new InvalidRequest('requested_token_type: only access tokens are issued');
      if (params.scope !== undefined && params.scope.length > 4096) throw new InvalidRequest('scope is too long');
      await checkActor(subjects, params, client.clientId, env);
      const subject = await subjects.verify(subjectToken, kind, env);
      if (subject.mayAct !== undefined && subject.mayAct !== client.clientId)
        throw new InvalidGrant('the subject token names another client in may_act');
      // A DPoP-bound token proves nothing without its key: only the client it was issued to may exchange it.
      if (subject.bound && subject.holderClientId !== client.clientId)
        throw new InvalidGrant('a DPoP-bound subject token may be exchanged only by its holder');
      if ((actDepth(subject.act) ?? MAX_ACT_DEPTH) >= MAX_ACT_DEPTH)
        throw new InvalidGrant('the delegation chain is too deep');
      const api = resolveAudience(env, client, params);
      if (client.tokenExchange.audiences && !client.tokenExchange.audiences.includes(api.audience))
        throw new InvalidTarget('this integration may not exchange tokens for that audience');
      const held = subject.scopesOn(api);
      if (held && !held.size) throw new InvalidTarget('the subject holds nothing on the requested audience');
      // Every scope the client may grant there (M-114: never wider), then within the subject's.
      const scopes = resolveScopes(api, client, params.scope).filter((s) => !held || held.has(s));
      if (params.scope) {
        const beyond = params.scope.split(' ').find((s) => held && !held.has(s));
        if (beyond !== undefined)
          throw new InvalidScope(`scope ${JSON.stringify(beyond.slice(0, 100))} is beyond the subject token's`);
      }
      if (!scopes.length) throw new InvalidScope('the subject token and this integration share no scope there');
      const act: ActClaim = { sub: client.clientId, ...(subject.act && { act: subject.act }) };
      const issued = await issuer.issue(env, client, api, scopes, actor, jkt, {
        sub: subject.sub,
        subjectType: subject.subjectType,
        subjectRef: subject.subjectRef,
        act,
        parentJti: subject.jti,
        notAfter: subject.exp,
        subjectDigest: subject.digest,
      });
      return {
        access_token: issued.accessToken,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: jkt ? 'DPoP' : 'Bearer',
        expires_in: issued.expiresIn,
        scope: issued.scope,
      };
    },
  };
}

/**
 * An `actor_token` (RFC 8693 §2.1), when sent, must be an active access token of the calling
 * client itself (docs/security.md M-116); its type is required with it and refused without it.
 * @throws InvalidRequest; InvalidGrant for an inactive actor token.
 */
async function checkActor(
  subjects: SubjectTokens,
  params: Readonly<Record<string, string>>,
  clientId: string,
  env: GrantContext['env'],
): Promise<void> {
  const { actor_token: token, actor_token_type: type } = params;
  if (token === undefined) {
    if (type !== undefined) throw new InvalidRequest('actor_token_type without actor_token');
    return;
  }
  if (type === undefined) throw new InvalidRequest('actor_token_type is missing');
  if (type !== ACCESS_TOKEN_TYPE) throw new InvalidRequest('actor_token_type must be access_token');
  const actorToken = await subjects.verify(token, 'access_token', env).catch((err: unknown) => {
    if (err instanceof InvalidGrant) throw new InvalidRequest(`actor_token: ${err.message}`);
    throw err;
  });
  if (actorToken.holderClientId !== clientId || actorToken.sub !== clientId)
    throw new InvalidRequest("actor_token must be the calling client's own token");
}
