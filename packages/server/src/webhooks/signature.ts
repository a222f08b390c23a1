/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, "Signature scheme" v1): the
 * headers of one attempt — `webhook-id`, `webhook-timestamp` (integer seconds of this attempt) and
 * `webhook-signature`: `v1,<base64 HMAC-SHA256>` of `<id>.<timestamp>.<body>` keyed with the
 * base64-decoded secret after `whsec_`. During a rotation's overlap both secrets sign, space
 * separated, the new one first, so a receiver holding either verifies (docs/security.md N-122, N-124).
 * @packageDocumentation
 */
import { createHmac } from 'node:crypto';

/** The prefix of a Standard Webhooks secret. */
export const SECRET_PREFIX = 'whsec_';

/** The headers that authenticate one attempt. */
export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The `v1,<signature>` of `body` for message `id` at `timestampSeconds` under `secret`
 * (`whsec_<base64>`; a secret without the prefix is taken as base64 too).
 * @throws Error when the secret decodes to no bytes.
 */
export function signV1(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  if (!key.length) throw new Error('webhook secret is empty');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/**
 * The Standard Webhooks headers of one attempt at `timestampSeconds` (integer seconds), signed
 * with every secret of `secrets` in order (the current one first, then the previous one while
 * the overlap lasts).
 * @example signatureHeaders(['whsec_…'], 'msg_1', 1767225600, '{"type":"x"}')
 *   // { 'webhook-id': 'msg_1', 'webhook-timestamp': '1767225600', 'webhook-signature': 'v1,…' }
 */
export function signatureHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): SignatureHeaders {
  const seconds = Math.floor(timestampSeconds);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': secrets.map((s) => signV1(s, id, seconds, body)).join(' '),
  };
}
