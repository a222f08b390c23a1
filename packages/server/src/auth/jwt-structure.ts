/**
 * Strict structural checks on a compact JWS before any signature work (RFC 7515 §7.1,
 * RFC 8725 §2–3): exactly three base64url parts without padding, header and payload JSON objects
 * with no repeated member names (parser differentials, docs/security.md C-36, C-43), no header member
 * that would pull a key from elsewhere (`jku`, `x5u`, `jwk`, `x5c`; C-33) and no `crit`/`b64` (C-34, C-35).
 * @packageDocumentation
 */
import { parse as parseJsonAst } from '@humanwhocodes/momoa';

/** The decoded, not yet verified, parts of a token. */
export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const FORBIDDEN_HEADER = ['jku', 'x5u', 'jwk', 'x5c', 'x5t', 'x5t#S256', 'crit', 'b64', 'enc', 'zip'];

/** Thrown for a token that is not a plain compact JWS of JSON objects. */
export class MalformedToken extends Error {}

function strictObject(part: string, what: string): Record<string, unknown> {
  const text = Buffer.from(part, 'base64url').toString('utf8');
  let ast: ReturnType<typeof parseJsonAst>;
  try {
    ast = parseJsonAst(text, { mode: 'json' });
  } catch {
    throw new MalformedToken(`${what} is not JSON`);
  }
  if (ast.body.type !== 'Object') throw new MalformedToken(`${what} is not an object`);
  const names = new Set<string>();
  for (const m of ast.body.members) {
    const name = m.name.type === 'String' ? m.name.value : String(m.name.name);
    if (names.has(name)) throw new MalformedToken(`${what} repeats ${name}`);
    names.add(name);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * Decodes `token` if its structure is acceptable. `embeddedJwk` allows the `jwk` header member,
 * for DPoP proofs only, which carry their public key there by design (RFC 9449 §4.2).
 * @throws MalformedToken otherwise.
 */
export function decodeStrict(token: string, options: { embeddedJwk?: boolean } = {}): DecodedJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw new MalformedToken('not a compact JWS');
  for (const p of parts) if (!B64URL.test(p)) throw new MalformedToken('not base64url');
  const header = strictObject(parts[0]!, 'header');
  const payload = strictObject(parts[1]!, 'payload');
  for (const name of FORBIDDEN_HEADER)
    if (name in header && !(name === 'jwk' && options.embeddedJwk))
      throw new MalformedToken(`header member ${name} is not accepted`);
  if (typeof header.alg !== 'string') throw new MalformedToken('alg is missing');
  return { header, payload };
}
