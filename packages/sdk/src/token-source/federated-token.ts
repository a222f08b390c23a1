/**
 * Platform tokens for federated credentials (Gatehouse issue #26): a Kubernetes projected
 * service-account token, a GitHub Actions OIDC token, a SPIFFE JWT-SVID… sent as the client
 * assertion (RFC 7523 §2.2) or as the JWT bearer grant's assertion (RFC 7523 §2.1).
 * @packageDocumentation
 */
import { ArgumentError } from '../errors/gatehouse-error.js';

/**
 * Where the platform token comes from: the token itself, a function returning it (sync or async,
 * called for each token request), or `{ file }`, a file read for each token request — the
 * Kubernetes pattern, where the kubelet rewrites the projected token before it expires.
 *
 * @example
 * ```ts
 * const federatedToken: FederatedToken = { file: '/var/run/secrets/tokens/gatehouse' };
 * ```
 */
export type FederatedToken = string | (() => string | Promise<string>) | { file: string };

/** The grant a federated token is sent with: as client authentication, or as the JWT bearer grant. */
export type FederatedGrant = 'client_credentials' | 'jwt-bearer';

/** The JWT bearer grant type (RFC 7523 §2.1). */
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Node's file system module, named by a variable: neither the SDK's browser-typed build nor a bundler resolves it. */
const FS_MODULE = 'node:fs/promises';

async function readTokenFile(path: string): Promise<string> {
  // Imported when used, so the SDK loads where there is no file system (browsers, edge runtimes).
  const { readFile } = (await import(FS_MODULE)) as {
    readFile(path: string, encoding: 'utf8'): Promise<string>;
  };
  return readFile(path, 'utf8');
}

/**
 * A function reading the current platform token of `source`, trimmed.
 * @throws {@link ArgumentError} synchronously for another shape; the returned function rejects
 *   with an ArgumentError when the token it reads is empty.
 */
export function federatedTokenReader(source: FederatedToken): () => Promise<string> {
  let read: () => string | Promise<string>;
  if (typeof source === 'string') read = () => source;
  else if (typeof source === 'function') read = source;
  else if (source && typeof source === 'object' && typeof source.file === 'string' && source.file)
    read = () => readTokenFile(source.file);
  else throw new ArgumentError('federatedToken must be a string, a function or { file }');
  return async () => {
    const token = String(await read()).trim();
    if (!token) throw new ArgumentError('the federated token is empty');
    return token;
  };
}
