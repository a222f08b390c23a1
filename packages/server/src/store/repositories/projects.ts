/**
 * The content aggregates: `projects` and `outputs` (owned by one principal, every query scoped by
 * environment and owner) and `assets` (environment-wide media and fonts).
 * @packageDocumentation
 */
import type { AssetTable, OutputTable, ProjectTable } from '../schema.js';
import type { Queryable } from './queryable.js';

/** The owner of a project or output: (type, id). */
export interface OwnerRef {
  ownerType: 'integration' | 'customer';
  ownerId: string;
}

/** A page request: up to `limit` rows by id after `cursor` (an id). */
export interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

/** The `projects` table. */
export class ProjectRepository {
  constructor(private readonly db: Queryable) {}

  private owned(environmentId: string, owner: OwnerRef) {
    return this.db
      .selectFrom('projects')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('owner_type', '=', owner.ownerType)
      .where('owner_id', '=', owner.ownerId);
  }

  /** The owner's projects by id. */
  page(environmentId: string, owner: OwnerRef, q: PageQuery): Promise<ProjectTable[]> {
    let query = this.owned(environmentId, owner);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    return query.orderBy('id').limit(q.limit).execute();
  }

  /** One of the owner's projects. */
  get(environmentId: string, owner: OwnerRef, id: string): Promise<ProjectTable | undefined> {
    return this.owned(environmentId, owner).where('id', '=', id).executeTakeFirst();
  }

  /** Inserts a project. */
  async insert(row: ProjectTable): Promise<void> {
    await this.db.insertInto('projects').values(row).execute();
  }

  /** Changes one of the owner's projects (`data` as JSON); false when the owner has no such project. */
  async update(
    environmentId: string,
    owner: OwnerRef,
    id: string,
    patch: Partial<Pick<ProjectTable, 'name' | 'description' | 'data'>>,
    now: number,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('projects')
      .set({ ...patch, updated_at: now })
      .where('id', '=', id)
      .where('environment_id', '=', environmentId)
      .where('owner_type', '=', owner.ownerType)
      .where('owner_id', '=', owner.ownerId)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Deletes one of the owner's projects; false when the owner has no such project. */
  async delete(environmentId: string, owner: OwnerRef, id: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('projects')
      .where('id', '=', id)
      .where('environment_id', '=', environmentId)
      .where('owner_type', '=', owner.ownerType)
      .where('owner_id', '=', owner.ownerId)
      .executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}

/** The `outputs` table. */
export class OutputRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts an output. */
  async insert(row: OutputTable): Promise<void> {
    await this.db.insertInto('outputs').values(row).execute();
  }

  /** The owner's outputs by id. */
  page(environmentId: string, owner: OwnerRef, q: PageQuery): Promise<OutputTable[]> {
    let query = this.db
      .selectFrom('outputs')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('owner_type', '=', owner.ownerType)
      .where('owner_id', '=', owner.ownerId);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    return query.orderBy('id').limit(q.limit).execute();
  }

  /** One of the owner's outputs. */
  get(environmentId: string, owner: OwnerRef, id: string): Promise<OutputTable | undefined> {
    return this.db
      .selectFrom('outputs')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('owner_type', '=', owner.ownerType)
      .where('owner_id', '=', owner.ownerId)
      .where('id', '=', id)
      .executeTakeFirst();
  }
}

/** The `assets` table (`kind`: `media` or `fonts`). */
export class AssetRepository {
  constructor(private readonly db: Queryable) {}

  /** Assets of a kind by id. */
  page(environmentId: string, kind: string, q: PageQuery): Promise<AssetTable[]> {
    let query = this.db
      .selectFrom('assets')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('kind', '=', kind);
    if (q.cursor) query = query.where('id', '>', q.cursor);
    return query.orderBy('id').limit(q.limit).execute();
  }

  /** One asset. */
  get(environmentId: string, kind: string, id: string): Promise<AssetTable | undefined> {
    return this.db
      .selectFrom('assets')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('kind', '=', kind)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Inserts an asset. */
  async insert(row: AssetTable): Promise<void> {
    await this.db.insertInto('assets').values(row).execute();
  }
}
