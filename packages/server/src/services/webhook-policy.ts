/**
 * What a webhook endpoint may be (issue #28, docs/security.md N-120, N-122): its URL (https at a
 * public address, like a `jwks_uri`; http and private addresses only for a host of
 * `GATEHOUSE_WEBHOOK_ALLOWED_HOSTS`), its event patterns, and its signing secret (Standard
 * Webhooks: `whsec_` + base64 of 32 random bytes). The URL is checked again on the connection at
 * send time (the engine's), since a name may resolve elsewhere later.
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { MAX_WEBHOOK_EVENT_PATTERNS, MAX_WEBHOOK_URL_LENGTH, WEBHOOK_EVENT_PATTERN } from '@gatehouse/contracts';
import { isPrivateLiteral, outboundUrlPolicy } from '../net/outbound-address.js';
import { SECRET_PREFIX } from '../webhooks/signature.js';
import { InvalidInput } from '../errors/domain-errors.js';

const PATTERN = new RegExp(WEBHOOK_EVENT_PATTERN);

/** Events an endpoint gets when its creation names none. */
export const DEFAULT_WEBHOOK_EVENTS: readonly string[] = Object.freeze(['*']);

/**
 * Checks an endpoint URL: at most {@link MAX_WEBHOOK_URL_LENGTH} characters, https (http only for
 * an allowed host), no userinfo or fragment, and not a private, loopback or reserved address
 * literal nor `localhost` unless the host is allowed.
 * @throws InvalidInput (400) saying which rule it breaks.
 */
export function checkWebhookUrl(url: string, allowedHosts: readonly string[]): void {
  if (url.length > MAX_WEBHOOK_URL_LENGTH)
    throw new InvalidInput(`url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  if (!URL.canParse(url)) throw new InvalidInput('url must be an absolute https URL');
  const parsed = new URL(url);
  if (parsed.username || parsed.password) throw new InvalidInput('url must not carry credentials (user:password@)');
  if (parsed.hash || url.includes('#')) throw new InvalidInput('url must not have a fragment (#…)');
  const { allowed, privateOk } = outboundUrlPolicy(url, allowedHosts);
  if (!allowed) throw new InvalidInput('url must be https (http only for a host of GATEHOUSE_WEBHOOK_ALLOWED_HOSTS)');
  if (privateOk) return;
  const host = parsed.hostname.toLowerCase();
  if (isPrivateLiteral(parsed) || host === 'localhost' || host.endsWith('.localhost'))
    throw new InvalidInput(
      'url must be at a public address (a private one only for a host of GATEHOUSE_WEBHOOK_ALLOWED_HOSTS)',
    );
}

/**
 * Checks event patterns: 1 to {@link MAX_WEBHOOK_EVENT_PATTERNS}, each `*`, an action or a family
 * (`integration.*`), none twice.
 * @returns them as given.
 * @throws InvalidInput (400) naming the pattern that is wrong.
 */
export function checkEventPatterns(events: readonly string[]): string[] {
  if (events.length < 1 || events.length > MAX_WEBHOOK_EVENT_PATTERNS)
    throw new InvalidInput(`events must hold 1 to ${MAX_WEBHOOK_EVENT_PATTERNS} patterns`);
  for (const e of events)
    if (typeof e !== 'string' || e.length > 170 || !PATTERN.test(e))
      throw new InvalidInput(
        `events: ${JSON.stringify(String(e).slice(0, 80))} is not *, an action like integration.update or a family like integration.*`,
      );
  if (new Set(events).size !== events.length) throw new InvalidInput('events: a pattern is given twice');
  return [...events];
}

/** A new signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks). */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}
