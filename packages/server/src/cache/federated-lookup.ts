/**
 * Cached look-up of the federated credential trusting a platform token's (`iss`, `sub`) (issue #26).
 * Entries — misses too, so a flood of unknown pairs costs one query each once — are valid for the
 * directory generation they were read in: any integration change (a credential added or removed
 * goes with one) invalidates them on every node, as the change feed makes the directory forget.
 * @packageDocumentation
 */
import { LRUCache } from 'lru-cache';
import type { Context } from '../context.js';
import type { HeldFederatedCredential } from '../store/repositories/federated-credentials.js';
import { repositories } from '../store/unit-of-work.js';
import { upToBytes } from './bounded.js';

/** Longest `iss` looked up, characters (as a credential's issuer, contracts' FederatedCredentialAdd). */
export const MAX_FEDERATED_ISSUER_LENGTH = 2000;
/** Longest `sub` looked up, characters. */
export const MAX_FEDERATED_SUBJECT_LENGTH = 512;

interface Entry {
  generation: number;
  credential: HeldFederatedCredential | undefined;
}

/** The one source of the directory's generation (cache/directory.ts's `version`). */
export interface Generation {
  readonly version: number;
}

/** Federated credentials by (`issuer`, `subject`), about 4 MiB. */
export class FederatedLookup {
  private readonly entries = new LRUCache<string, Entry>(upToBytes(4 * 1024 * 1024, 600));

  constructor(
    private readonly ctx: Context,
    private readonly directory: Generation,
  ) {}

  /**
   * The credential trusting `issuer` and `subject`, with its holder's `client_id`; undefined when
   * none does, at once (never looked up) for values beyond the stored bounds.
   * @throws store errors (503).
   */
  async find(issuer: string, subject: string): Promise<HeldFederatedCredential | undefined> {
    if (!issuer || !subject || issuer.length > MAX_FEDERATED_ISSUER_LENGTH) return undefined;
    if (subject.length > MAX_FEDERATED_SUBJECT_LENGTH) return undefined;
    const key = JSON.stringify([issuer, subject]);
    const generation = this.directory.version;
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation) return hit.credential;
    const credential = await repositories(this.ctx.store).federatedCredentials.find(issuer, subject);
    this.entries.set(key, { generation, credential });
    return credential;
  }
}
