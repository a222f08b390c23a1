/**
 * `store_meta`: facts about the store itself (the master key's check value and origin), and the
 * probes that ask whether the store holds anything or answers at all.
 * @packageDocumentation
 */
import { sql } from 'kysely';
import type { Queryable } from './queryable.js';

/** The `store_meta` table and store-wide probes. */
export class StoreMetaRepository {
  constructor(private readonly db: Queryable) {}

  /** The values of `names` that are recorded, by name (empty for no names). */
  async read(names: readonly string[]): Promise<Map<string, string>> {
    if (!names.length) return new Map();
    const rows = await this.db.selectFrom('store_meta').select(['name', 'value']).where('name', 'in', names).execute();
    return new Map(rows.map((r) => [r.name, r.value]));
  }

  /** Records each of `entries` whose name is not recorded yet (a value already there wins). */
  async insertIfAbsent(entries: readonly { name: string; value: string }[]): Promise<void> {
    if (!entries.length) return;
    await this.db
      .insertInto('store_meta')
      .values([...entries])
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  /**
   * Records each of `entries`, replacing a value already recorded under its name; of a name given
   * twice the last value (PostgreSQL refuses an upsert that touches one row twice).
   */
  async upsert(entries: readonly { name: string; value: string }[]): Promise<void> {
    if (!entries.length) return;
    const last = new Map(entries.map((e) => [e.name, e.value]));
    await this.db
      .insertInto('store_meta')
      .values([...last].map(([name, value]) => ({ name, value })))
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }

  /** True when the store holds an environment or a signing key (data keyed by a master key). */
  async holdsData(): Promise<boolean> {
    const env = await this.db.selectFrom('environments').select('id').limit(1).executeTakeFirst();
    const key = env ?? (await this.db.selectFrom('signing_keys').select('kid').limit(1).executeTakeFirst());
    return key !== undefined;
  }

  /** Runs `select 1`. @throws when the store does not answer. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }
}
