/**
 * Customers: end users known through customer tokens. Created or updated on first use of a token
 * and then at most once a minute per customer (or when name or fields change), so a busy front
 * end doesn't write on every request; the write is queued, never on the request's path.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { upToBytes } from '../cache/bounded.js';
import type { Customer } from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { NotFound } from '../errors/domain-errors.js';
import type { CustomerTable } from '../store/schema.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';
import { command } from './command.js';
import type { AuditQueue } from './audit-queue.js';
import { page, pageSize } from './resource-ids.js';

/** Least time between two `last_seen_at` writes for one customer, seconds. */
export const SEEN_WRITE_INTERVAL = 60;

/** What one sighting of a customer writes. */
interface Sighting {
  environmentId: string;
  id: string;
  name: string | null;
  fieldsJson: string;
  digest: string;
  /** Seconds. */
  now: number;
  /** Milliseconds, for the audit row. */
  nowMs: number;
}

/**
 * Records that a customer was seen, throttled, off the request path: {@link record} only queues
 * the write; the sightings waiting meanwhile are written together, in one transaction, as a job
 * of the write-behind queue ({@link AuditQueue}).
 */
export class CustomerSeen {
  /**
   * When each customer was last written (or queued), with a SHA-256 of what was written (not the
   * data: a customer's fields are up to 16 KiB), about 16 MiB in all (docs/security.md H-76).
   */
  private readonly written = new LRUCache<string, { at: number; digest: string }>(upToBytes(16 * 1024 * 1024, 160));
  /** Sightings queued and not yet written, by customer; the newest one per customer wins. */
  private pending = new Map<string, Sighting>();
  /**
   * The digest of each fields object seen, so a cached token's repeated use hashes nothing (its
   * principal holds the same object); weakly held, it goes with the principal.
   */
  private readonly digests = new WeakMap<object, string>();

  /** @param queue runs the writes after the response (drained on close; tests `settle()` it). */
  constructor(
    private readonly ctx: Context,
    private readonly queue: AuditQueue,
  ) {}

  /**
   * Queues the creation of the customer (audited as `customer.create`, by the customer) or the
   * update of its name, fields and last-seen time, unless the same data was written less than a
   * minute ago. Never waits and never throws: a failed write is retried on the next sighting,
   * which every use of a token is, a cached one included.
   */
  record(environmentId: string, id: string, name: string | null, fields: Record<string, unknown>): void {
    const now = nowSeconds(this.ctx.clock);
    const key = `${environmentId}\n${id}`;
    let digest = this.digests.get(fields);
    if (digest === undefined) {
      digest = createHash('sha256')
        .update(`${name ?? ''}\n${JSON.stringify(fields)}`)
        .digest('base64url');
      this.digests.set(fields, digest);
    }
    const last = this.written.get(key);
    if (last && last.digest === digest && now - last.at < SEEN_WRITE_INTERVAL) return;
    this.written.set(key, { at: now, digest });
    const first = this.pending.size === 0;
    const fieldsJson = JSON.stringify(fields);
    this.pending.set(key, { environmentId, id, name, fieldsJson, digest, now, nowMs: this.ctx.clock.now() });
    if (first && !this.queue.push(() => this.flush())) this.forget();
  }

  /** Writes every queued sighting in one transaction; on failure they are forgotten, to be queued again. */
  private async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await unitOfWork(this.ctx.store, async (uow) => {
        for (const { environmentId, id, name, fieldsJson, now, nowMs } of batch) {
          if (
            await uow.customers.insertIfNew({
              environment_id: environmentId,
              id,
              name,
              fields: fieldsJson,
              created_at: now,
              last_seen_at: now,
            })
          ) {
            await uow.audit(
              { actor: `customer:${id}`, ip: null },
              { environmentId, action: 'customer.create', target: id },
              nowMs,
            );
          } else {
            await uow.customers.updateSeen(environmentId, id, name, fieldsJson, now);
          }
        }
      });
    } catch (err) {
      for (const s of batch)
        if (this.written.get(`${s.environmentId}\n${s.id}`)?.digest === s.digest)
          this.written.delete(`${s.environmentId}\n${s.id}`);
      throw err;
    }
  }

  /** Drops the queued sightings (the queue was full): they are queued again on the next sighting. */
  private forget(): void {
    for (const key of this.pending.keys()) this.written.delete(key);
    this.pending = new Map();
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
export async function listCustomers(
  ctx: Context,
  environmentId: string,
  q: { limit?: number | undefined; cursor?: string | undefined },
) {
  const limit = pageSize(q.limit);
  return page((await repositories(ctx.store).customers.page(environmentId, limit + 1, q.cursor)).map(dto), limit);
}

/**
 * One customer.
 * @throws NotFound
 */
export async function getCustomer(ctx: Context, environmentId: string, id: string): Promise<Customer> {
  const row = await repositories(ctx.store).customers.get(environmentId, id);
  if (!row) throw new NotFound('customer');
  return dto(row);
}

/**
 * Changes a customer's name or fields.
 * @throws NotFound
 */
export async function updateCustomer(
  ctx: Context,
  actor: Actor,
  environmentId: string,
  id: string,
  patch: { name?: string | null; fields?: Record<string, unknown> },
): Promise<Customer> {
  const now = nowSeconds(ctx.clock);
  await command(ctx, async (uow) => {
    const updated = await uow.customers.update(environmentId, id, {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.fields !== undefined && { fields: JSON.stringify(patch.fields) }),
    });
    if (!updated) throw new NotFound('customer');
    await uow.change('customer', `${environmentId}:${id}`, now);
    await uow.audit(actor, { environmentId, action: 'customer.update', target: id }, ctx.clock.now());
  });
  return getCustomer(ctx, environmentId, id);
}

/**
 * Deletes a customer with the projects and outputs it owns.
 * @throws NotFound
 */
export async function deleteCustomer(ctx: Context, actor: Actor, environmentId: string, id: string): Promise<void> {
  const now = nowSeconds(ctx.clock);
  await command(ctx, async (uow) => {
    if (!(await uow.customers.delete(environmentId, id))) throw new NotFound('customer');
    await uow.change('customer', `${environmentId}:${id}`, now);
    // Tokens exchanged for the customer, and every token derived from them, end with it (M-118).
    if (await uow.tokens.revokeExchangedForCustomers(environmentId, id, now))
      await uow.change('revocation', `customer:${environmentId}:${id}`, now);
    await uow.audit(actor, { environmentId, action: 'customer.delete', target: id }, ctx.clock.now());
  });
}
