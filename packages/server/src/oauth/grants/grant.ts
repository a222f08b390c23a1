/**
 * The shape of a grant module: its `grant_type`, the parameters it reads, and its handler.
 * @packageDocumentation
 */
import type { TokenResponse } from '@gatehouse/contracts';
import type { Actor } from '../../context.js';
import type { EnvironmentRecord } from '../../store/repositories/environments.js';
import type { ClientRecord } from '../../store/repositories/integrations.js';
import type { TokenIssuer } from '../../tokens/token-issuer.js';
import type { ClientCredentials } from '../client-auth.js';

/** What a grant handler receives: the authenticated client, its environment and the parameters. */
export interface GrantContext {
  env: EnvironmentRecord;
  client: ClientRecord;
  params: Readonly<Record<string, string>>;
  issuer: TokenIssuer;
  actor: Actor;
  /** The DPoP key thumbprint the token is bound to (RFC 9449 §5); undefined for a Bearer token. */
  jkt?: string | undefined;
}

/** One grant type (RFC 6749 §4). */
export interface Grant {
  grantType: string;
  /**
   * How the grant identifies its client, when not by client authentication (RFC 6749 §2.3): the
   * JWT bearer grant's `assertion` (RFC 7523 §2.1). Absent: `readClientCredentials`.
   */
  readCredentials?(authorization: string | undefined, params: Readonly<Record<string, string>>): ClientCredentials;
  handler(ctx: GrantContext): Promise<TokenResponse>;
}
