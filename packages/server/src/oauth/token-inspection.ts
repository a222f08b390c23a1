/**
 * Reading a presented Gatehouse access token for revocation and introspection: the signature is
 * checked with our keys (expiry aside), and the store says whether it was issued and revoked.
 * @packageDocumentation
 */
import { compactVerify } from 'jose';
import type { Runtime } from '../runtime.js';
import { decodeStrict } from '../auth/jwt-structure.js';
import { SIGNING_ALG } from '../keys/signing-keys.js';
import { ACCESS_TOKEN_TYP } from '../tokens/access-token.js';
import { issuedTokenState } from '../services/tokens.js';

/** A token we signed, with its claims and its row in `issued_tokens`. */
export interface InspectedToken {
  claims: Record<string, unknown>;
  jti: string;
  clientId: string;
  environment: string;
  /** Seconds. */
  exp: number;
  row: { integration_id: string; revoked_at: number | null; expires_at: number } | undefined;
}

/**
 * Our token's claims and store row, or undefined for anything we did not sign (garbage, another
 * issuer, a bad signature). Store errors propagate (answered 503).
 */
export async function inspectToken(rt: Runtime, token: string): Promise<InspectedToken | undefined> {
  if (token.length > 8000) return undefined;
  let decoded;
  try {
    decoded = decodeStrict(token);
  } catch {
    return undefined;
  }
  const { header, payload } = decoded;
  if (
    header.alg !== SIGNING_ALG ||
    header.typ !== ACCESS_TOKEN_TYP ||
    typeof header.kid !== 'string' ||
    payload.iss !== rt.ctx.config.issuer
  )
    return undefined;
  const key = rt.keys.verificationKey(header.kid);
  if (!key) return undefined;
  try {
    await compactVerify(token, key.publicKey, { algorithms: [SIGNING_ALG] });
  } catch {
    return undefined;
  }
  const { jti, client_id: clientId, environment, exp } = payload;
  if (
    typeof jti !== 'string' ||
    typeof clientId !== 'string' ||
    typeof environment !== 'string' ||
    typeof exp !== 'number'
  )
    return undefined;
  const row = await issuedTokenState(rt.ctx, jti);
  return { claims: payload, jti, clientId, environment, exp, row };
}
