/**
 * Customers: end users known through customer tokens. Created or updated on first use of a token
 * and then at most once a minute per customer (or when name or fields change), so a busy front
 * end doesn't write on every request.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { upToBytes } from '../cache/bounded.js';
import type { Customer } from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { NotFound } from '../errors/api-error.js';
import type { CustomerTable } from '../store/schema.js';
import { recordChange } from '../store/repositories/change-log.js';
import { audit } from './audit.js';
import { page, pageSize } from './resource-ids.js';

/** Least time between two `last_seen_at` writes for one customer, seconds. */
export const SEEN_WRITE_INTERVAL = 60;

/** Records that a customer was seen, throttled. */
export class CustomerSeen {
  /**
   * When each customer was last written, with a SHA-256 of what was written (not the data: a
   * customer's fields are up to 16 KiB), about 16 MiB in all (docs/security.md H-76).
   */
  private readonly written = new LRUCache<string, { at: number; digest: string }>(upToBytes(16 * 1024 * 1024, 160));

  constructor(private readonly ctx: Context) {}

  /**
   * Creates the customer (audited as `customer.create`, by the customer) or updates its name,
   * fields and last-seen time, unless the same data was written less than a minute ago.
   */
  async record(environmentId: string, id: string, name: string | null, fields: Record<string, unknown>): Promise<void> {
    const now = nowSeconds(this.ctx.clock);
    const key = `${environmentId}\n${id}`;
    const fieldsJson = JSON.stringify(fields);
    const digest = createHash('sha256').update(`${name ?? ''}\n${fieldsJson}`).digest('base64url');
    const last = this.written.get(key);
    if (last && last.digest === digest && now - last.at < SEEN_WRITE_INTERVAL) return;
    await this.ctx.db.transaction().execute(async (trx) => {
      const created = await trx
        .insertInto('customers')
        .values({ environment_id: environmentId, id, name, fields: fieldsJson, created_at: now, last_seen_at: now })
        .onConflict((oc) => oc.columns(['environment_id', 'id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (created) {
        await audit(trx, { actor: `customer:${id}`, ip: null }, { environmentId, action: 'customer.create', target: id }, this.ctx.clock.now());
      } else {
        await trx.updateTable('customers').set({ name, fields: fieldsJson, last_seen_at: now }).where('environment_id', '=', environmentId).where('id', '=', id).execute();
      }
    });
    this.written.set(key, { at: now, digest });
  }

  /** Forgets throttling state (a customer was changed or deleted elsewhere). */
  clear(): void {
    this.written.clear();
  }
}

function dto(r: CustomerTable): Customer {
  return {
    id: r.id,
    name: r.name,
    fields: JSON.parse(r.fields) as Record<string, unknown>,
    created_at: new Date(Number(r.created_at) * 1000).toISOString(),
    last_seen_at: new Date(Number(r.last_seen_at) * 1000).toISOString(),
  };
}

/** Customers of an environment by id, a page after `cursor` (a customer id). */
export async function listCustomers(ctx: Context, environmentId: string, q: { limit?: number | undefined; cursor?: string | undefined }) {
  const limit = pageSize(q.limit);
  let query = ctx.db.selectFrom('customers').selectAll().where('environment_id', '=', environmentId);
  if (q.cursor) query = query.where('id', '>', q.cursor);
  return page((await query.orderBy('id').limit(limit + 1).execute()).map(dto), limit);
}

/**
 * One customer.
 * @throws NotFound
 */
export async function getCustomer(ctx: Context, environmentId: string, id: string): Promise<Customer> {
  const row = await ctx.db.selectFrom('customers').selectAll().where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('customer');
  return dto(row);
}

/**
 * Changes a customer's name or fields.
 * @throws NotFound
 */
export async function updateCustomer(ctx: Context, actor: Actor, environmentId: string, id: string, patch: { name?: string | null; fields?: Record<string, unknown> }): Promise<Customer> {
  const now = nowSeconds(ctx.clock);
  await ctx.db.transaction().execute(async (trx) => {
    const res = await trx
      .updateTable('customers')
      .set({ ...(patch.name !== undefined && { name: patch.name }), ...(patch.fields !== undefined && { fields: JSON.stringify(patch.fields) }) })
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new NotFound('customer');
    await recordChange(trx, ctx.store.dialect, 'customer', `${environmentId}:${id}`, now);
    await audit(trx, actor, { environmentId, action: 'customer.update', target: id }, ctx.clock.now());
  });
  return getCustomer(ctx, environmentId, id);
}

/**
 * Deletes a customer with the projects and outputs it owns.
 * @throws NotFound
 */
export async function deleteCustomer(ctx: Context, actor: Actor, environmentId: string, id: string): Promise<void> {
  const now = nowSeconds(ctx.clock);
  await ctx.db.transaction().execute(async (trx) => {
    const res = await trx.deleteFrom('customers').where('environment_id', '=', environmentId).where('id', '=', id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new NotFound('customer');
    for (const table of ['projects', 'outputs'] as const) {
      await trx.deleteFrom(table).where('environment_id', '=', environmentId).where('owner_type', '=', 'customer').where('owner_id', '=', id).execute();
    }
    await recordChange(trx, ctx.store.dialect, 'customer', `${environmentId}:${id}`, now);
    await audit(trx, actor, { environmentId, action: 'customer.delete', target: id }, ctx.clock.now());
  });
}
