/**
 * Cached reads of what every request needs: clients by `client_id`, environments by id, slug and
 * environment key. Entries are dropped when the change feed reports their change (coherence.ts).
 * @packageDocumentation
 */
import { LRUCache } from 'lru-cache';
import { MAX_IDENTIFIER_LENGTH, upToBytes, upToEntries } from './bounded.js';
import type { Context } from '../context.js';
import type { ClientRecord } from '../store/repositories/integrations.js';
import type { EnvironmentRecord } from '../store/repositories/environments.js';
import { repositories } from '../store/unit-of-work.js';

const MISSING = Symbol('missing');

/** Cached directory of clients and environments. */
export class Directory {
  /** The most recently used clients; an evicted one also leaves `clientIdById`, so memory stays flat. */
  private readonly clients = new LRUCache<string, ClientRecord>({
    ...upToEntries(20_000),
    dispose: (record) => this.clientIdById.delete(record.id),
  });
  /** Ids looked up and not found (at most {@link MAX_IDENTIFIER_LENGTH} characters each), about 2 MiB. */
  private readonly unknownClients = new LRUCache<string, true>(upToBytes(2 * 1024 * 1024, 100));
  /** Kept in step with `clients` (its `dispose` removes entries), so bounded by it. */
  private readonly clientIdById = new Map<string, string>();
  /** Environments (and names found missing) by `by:value`, about 8 MiB; a record counts 2 KiB. */
  private readonly envs = new LRUCache<string, EnvironmentRecord | typeof MISSING>(upToBytes(8 * 1024 * 1024, 2048));

  /** Bumped by every invalidation, so a read that raced a change is not cached. */
  private generation = 0;
  /**
   * Values derived from the records (a token's effective scopes), by the object they were derived for
   * (a verified token's principal, held by the bearer verifier's bounded cache): weakly held, so
   * bounded by what holds the keys; valid only for the generation they were derived in.
   */
  private readonly derivations = new WeakMap<object, { generation: number; value: unknown }>();

  constructor(private readonly ctx: Context) {}

  /**
   * The integration with this `client_id`, or undefined (unknown ids are cached too, so both
   * answer alike). An id longer than {@link MAX_IDENTIFIER_LENGTH} is undefined at once: never
   * looked up, never cached.
   */
  async client(clientId: string): Promise<ClientRecord | undefined> {
    if (clientId.length > MAX_IDENTIFIER_LENGTH) return undefined;
    const hit = this.clients.get(clientId);
    if (hit !== undefined) return hit;
    if (this.unknownClients.has(clientId)) return undefined;
    const version = this.generation;
    const record = await repositories(this.ctx.store).integrations.load('client_id', clientId);
    if (version !== this.generation) return record;
    if (!record) {
      this.unknownClients.set(clientId, true);
      return undefined;
    }
    this.clients.set(clientId, record);
    this.clientIdById.set(record.id, clientId);
    return record;
  }

  /**
   * The environment with this id, slug or environment key; undefined when there is none, at once
   * for a value longer than {@link MAX_IDENTIFIER_LENGTH} (never looked up, never cached).
   */
  async environment(by: 'id' | 'slug' | 'environment_key', value: string): Promise<EnvironmentRecord | undefined> {
    if (value.length > MAX_IDENTIFIER_LENGTH) return undefined;
    const key = `${by}:${value}`;
    const hit = this.envs.get(key);
    if (hit !== undefined) return hit === MISSING ? undefined : hit;
    const version = this.generation;
    const record = await repositories(this.ctx.store).environments.load(by, value, this.ctx.config.audience);
    if (version !== this.generation) return record;
    this.envs.set(key, record ?? MISSING);
    return record;
  }

  /** Bumped by every invalidation: a value derived before it may be stale. */
  get version(): number {
    return this.generation;
  }

  /** What {@link Directory.remember} kept for `key`, if no record was invalidated since; undefined otherwise. */
  derived<V>(key: object): V | undefined {
    const entry = this.derivations.get(key);
    return entry && entry.generation === this.generation ? (entry.value as V) : undefined;
  }

  /** Keeps `value`, derived from the records as of `version`, for `key`; nothing when a record changed since. */
  remember(key: object, value: unknown, version: number): void {
    if (version === this.generation) this.derivations.set(key, { generation: version, value });
  }

  /** Drops the client of integration `integrationId` (its `id`), and every id cached as unknown (a new integration may carry one). */
  forgetIntegration(integrationId: string): void {
    this.generation++;
    const clientId = this.clientIdById.get(integrationId);
    if (clientId) this.clients.delete(clientId);
    this.clientIdById.delete(integrationId);
    this.unknownClients.clear();
  }

  /** Drops every environment (an environment, one of its APIs or credentials changed). */
  forgetEnvironments(): void {
    this.generation++;
    this.envs.clear();
  }

  /** Forgets everything. */
  clear(): void {
    this.generation++;
    this.clients.clear();
    this.unknownClients.clear();
    this.clientIdById.clear();
    this.envs.clear();
  }
}
