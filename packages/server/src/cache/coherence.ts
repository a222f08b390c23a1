/**
 * Cache coherence in one place: what each kind of change makes stale in this process, as one
 * typed table ({@link INVALIDATES}), applied to the changes the change feed reports (another node's
 * or the CLI's writes, and this process's own) and, at once, to a change this process just
 * committed when a request must see it before the feed does (a revocation).
 * @packageDocumentation
 */
import type { Change, ChangeKind } from '../store/repositories/change-log.js';

/** Something a change can make stale. */
export type Invalidation =
  /** Cached environments (by id, slug, environment key), with their APIs and customer settings. */
  | 'environments'
  /** The cached client of the changed integration (ref: its `id`), and ids cached as unknown. */
  | 'client'
  /** Signing and verification keys: persisted switches, then reloaded. */
  | 'signing-keys'
  /** The set of revoked `jti`s: reloaded (from the feed) or the ref added (a local revocation). */
  | 'revocations'
  /** Customer-token verification keys of environments. */
  | 'customer-keys'
  /** When each customer was last written (a customer was changed or deleted). */
  | 'customers-seen'
  /** Verified bearer tokens (their principal may no longer hold). */
  | 'verified-tokens'
  /** Not stale but new: a throttling block another node started (ref: JSON `[key, untilMs]`). */
  | 'throttle-block';

/**
 * What a change of each kind invalidates, in the order it is done (reloads before the verified
 * tokens are dropped, so a request in between never re-caches against stale state).
 */
export const INVALIDATES = {
  environment: ['environments', 'verified-tokens'],
  api: ['environments', 'verified-tokens'],
  integration: ['client', 'verified-tokens'],
  credential: ['environments', 'customer-keys', 'verified-tokens'],
  keys: ['signing-keys', 'verified-tokens'],
  revocation: ['revocations', 'verified-tokens'],
  customer: ['customers-seen', 'verified-tokens'],
  throttle: ['throttle-block'],
} as const satisfies { readonly [K in ChangeKind]: readonly Invalidation[] };

/** The caches of one process, as coherence sees them. */
export interface Caches {
  directory: { forgetIntegration(integrationId: string): void; forgetEnvironments(): void };
  keys: { reload(): Promise<void> };
  revocations: { reload(): Promise<void>; add(jti: string): void };
  customerKeys: { clear(): void };
  customersSeen: { clear(): void };
  verifier: { clear(): void };
  /** Applies a `throttle` change's ref (`[key, untilMs]` as JSON); ignores a malformed one. */
  throttleBlock(ref: string): void;
}

/** Applies {@link INVALIDATES} to this process's caches. */
export class Coherence {
  /** @param caches this process's caches, as built by `createRuntime`. */
  constructor(private readonly caches: Caches) {}

  /**
   * Invalidates what a batch of changes from the change feed made stale. Each cache is dropped
   * or reloaded once per batch, however many of its changes the batch holds. Safe to run again on
   * the same batch (every invalidation drops, reloads or merges a block to the same result): the
   * change feed does so when it threw, so a batch applied in part is applied whole on the retry.
   * @throws the first store error of a reload, after every other invalidation was done.
   */
  async apply(batch: readonly Change[]): Promise<void> {
    const todo = new Map<Invalidation, string[]>();
    for (const c of batch) {
      for (const what of INVALIDATES[c.kind]) {
        const refs = todo.get(what);
        if (refs) refs.push(c.ref);
        else todo.set(what, [c.ref]);
      }
    }
    let failure: unknown;
    for (const what of ORDER) {
      const refs = todo.get(what);
      // A reload that fails (store down) doesn't keep the other caches from being dropped.
      if (refs) await this.invalidate(what, refs, false).catch((err: unknown) => (failure ??= err));
    }
    if (failure !== undefined) throw failure;
  }

  /**
   * Invalidates, at once, what a change this process has just committed makes stale, so the
   * next request here honours it without waiting for the feed (which reports it again later).
   */
  async local(kind: ChangeKind, ref: string): Promise<void> {
    for (const what of INVALIDATES[kind]) await this.invalidate(what, [ref], true);
  }

  private async invalidate(what: Invalidation, refs: readonly string[], local: boolean): Promise<void> {
    const c = this.caches;
    switch (what) {
      case 'environments':
        return c.directory.forgetEnvironments();
      case 'client':
        for (const ref of refs) c.directory.forgetIntegration(ref);
        return;
      case 'signing-keys':
        return c.keys.reload();
      case 'revocations':
        if (!local) return c.revocations.reload();
        for (const ref of refs) c.revocations.add(ref);
        return;
      case 'customer-keys':
        return c.customerKeys.clear();
      case 'customers-seen':
        return c.customersSeen.clear();
      case 'verified-tokens':
        return c.verifier.clear();
      case 'throttle-block':
        for (const ref of refs) c.throttleBlock(ref);
        return;
    }
  }
}

/** Every invalidation once, reloads first and the verified tokens last (see {@link INVALIDATES}). */
const ORDER: readonly Invalidation[] = [
  'environments',
  'client',
  'signing-keys',
  'revocations',
  'customer-keys',
  'customers-seen',
  'throttle-block',
  'verified-tokens',
];
