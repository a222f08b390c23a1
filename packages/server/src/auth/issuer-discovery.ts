/**
 * The signing keys of a federated credential's issuer (issue #26): from the credential's explicit
 * `jwks_uri`, else from the `jwks_uri` of the issuer's OpenID discovery document
 * (`{issuer}/.well-known/openid-configuration`, OpenID Connect Discovery 1.0 §4), whose `issuer`
 * must be the credential's (§4.3). Both are fetched with the `jwks_uri` bounds (auth/jwks-fetcher.ts:
 * https and public addresses unless the host is in `GATEHOUSE_JWKS_URI_ALLOWED_HOSTS`, no redirects,
 * size and time limits), cached per URI and fetched again at most once per cooldown (L-104, L-107).
 * @packageDocumentation
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import type { ClientKeyRecord } from '../store/repositories/integrations.js';
import {
  fetchBoundedJson,
  JWKS_COOLDOWN_SECONDS,
  JWKS_FRESH_SECONDS,
  jwksUriPolicy,
  type JwksFetcher,
} from './jwks-fetcher.js';

/** The discovery document's URL of `issuer` (OpenID Connect Discovery 1.0 §4.1). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * Whether `issuer` may be a federated credential's issuer: an absolute https URL (http only for a
 * host of `GATEHOUSE_JWKS_URI_ALLOWED_HOSTS`) without credentials, query or fragment (OpenID
 * Connect Discovery 1.0 §3).
 */
export function issuerAllowed(issuer: string, allowedHosts: readonly string[]): boolean {
  return jwksUriPolicy(issuer, allowedHosts).allowed && !new URL(issuer).search;
}

interface Discovered {
  /** null: the document could not be fetched or was unusable. */
  jwksUri: string | null;
  /** Seconds. */
  fetchedAt: number;
  /** Seconds: the last attempt. */
  triedAt: number;
}

/** Issuers' keys of one process: discovery documents cached (about 1 MiB), keys by the JWKS fetcher. */
export class IssuerKeys {
  private readonly documents = new LRUCache<string, Discovered>({
    maxSize: 1024 * 1024,
    sizeCalculation: (d, issuer) => 2 * issuer.length + 2 * (d.jwksUri?.length ?? 0) + 100,
  });
  private readonly inFlight = new Map<string, Promise<Discovered>>();

  constructor(
    private readonly clock: Clock,
    private readonly allowedHosts: readonly string[],
    private readonly jwks: JwksFetcher,
  ) {}

  /**
   * The keys of `issuer` that may carry `kid`: those of `jwksUri` when given, else of the
   * discovered `jwks_uri`. Never throws: nothing usable answers no keys.
   * @returns undefined when the issuer's `jwks_uri` is unknown (discovery failed).
   */
  async keys(issuer: string, jwksUri: string | null, kid: string | undefined): Promise<ClientKeyRecord[] | undefined> {
    const uri = jwksUri ?? (await this.discover(issuer));
    return uri ? this.jwks.keys(uri, kid) : undefined;
  }

  private async discover(issuer: string): Promise<string | null> {
    const now = nowSeconds(this.clock);
    const entry = this.documents.get(issuer);
    const fresh = entry && entry.jwksUri !== null && now - entry.fetchedAt < JWKS_FRESH_SECONDS;
    if (fresh || (entry && now - entry.triedAt < JWKS_COOLDOWN_SECONDS)) return entry.jwksUri;
    let pending = this.inFlight.get(issuer);
    if (!pending) {
      pending = this.fetch(issuer, entry, now).finally(() => this.inFlight.delete(issuer));
      this.inFlight.set(issuer, pending);
    }
    return (await pending).jwksUri;
  }

  private async fetch(issuer: string, previous: Discovered | undefined, now: number): Promise<Discovered> {
    let found: Discovered;
    try {
      const doc = (await fetchBoundedJson(discoveryUrl(issuer), this.allowedHosts)) as Record<string, unknown> | null;
      const jwksUri = doc && typeof doc === 'object' ? doc.jwks_uri : undefined;
      if (doc?.issuer !== issuer || typeof jwksUri !== 'string' || !jwksUriPolicy(jwksUri, this.allowedHosts).allowed)
        throw new Error('unusable discovery document');
      found = { jwksUri, fetchedAt: now, triedAt: now };
    } catch {
      // A failed refresh keeps a previously discovered jwks_uri (an outage of the issuer's web server).
      found = previous ? { ...previous, triedAt: now } : { jwksUri: null, fetchedAt: 0, triedAt: now };
    }
    this.documents.set(issuer, found);
    return found;
  }
}
