/**
 * `customers`: end users known through customer tokens, with what they own deleted along.
 * @packageDocumentation
 */
import type { CustomerTable } from '../schema.js';
import type { Queryable } from './queryable.js';

/** The `customers` table. */
export class CustomerRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts `row` unless the customer exists; true when it was inserted. */
  async insertIfNew(row: CustomerTable): Promise<boolean> {
    const created = await this.db
      .insertInto('customers')
      .values(row)
      .onConflict((oc) => oc.columns(['environment_id', 'id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return created !== undefined;
  }

  /** Records a customer's latest name, fields (JSON) and when it was seen (seconds). */
  async updateSeen(environmentId: string, id: string, name: string | null, fields: string, now: number): Promise<void> {
    await this.db
      .updateTable('customers')
      .set({ name, fields, last_seen_at: now })
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .execute();
  }

  /** Up to `limit` customers of an environment by id, after `cursor` (a customer id). */
  page(environmentId: string, limit: number, cursor?: string): Promise<CustomerTable[]> {
    let query = this.db.selectFrom('customers').selectAll().where('environment_id', '=', environmentId);
    if (cursor) query = query.where('id', '>', cursor);
    return query.orderBy('id').limit(limit).execute();
  }

  /** One customer. */
  get(environmentId: string, id: string): Promise<CustomerTable | undefined> {
    return this.db
      .selectFrom('customers')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /**
   * Changes a customer's name or fields (JSON); an empty patch changes nothing (an `UPDATE` with
   * no column is a syntax error on both stores). @returns false when there is no such customer.
   */
  async update(environmentId: string, id: string, patch: { name?: string | null; fields?: string }): Promise<boolean> {
    const set = {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.fields !== undefined && { fields: patch.fields }),
    };
    if (!Object.keys(set).length) return (await this.get(environmentId, id)) !== undefined;
    const res = await this.db
      .updateTable('customers')
      .set(set)
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Deletes a customer with the projects and outputs it owns; false when there is no such customer (nothing deleted). */
  async delete(environmentId: string, id: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('customers')
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) return false;
    for (const table of ['projects', 'outputs'] as const) {
      await this.db
        .deleteFrom(table)
        .where('environment_id', '=', environmentId)
        .where('owner_type', '=', 'customer')
        .where('owner_id', '=', id)
        .execute();
    }
    return true;
  }
}
