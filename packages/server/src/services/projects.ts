/**
 * Projects: every project belongs to exactly one principal (an integration or a customer). Every
 * query is scoped by environment and owner, so another principal's project is simply not found.
 * @packageDocumentation
 */
import type { Project, ProjectCreate, ProjectUpdate } from '@gatehouse/contracts';
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { NotFound } from '../errors/domain-errors.js';
import type { ProjectTable } from '../store/schema.js';
import { page, pageSize, resourceId } from './resource-ids.js';

/** The owner of a project: (type, id). */
export interface Owner {
  ownerType: 'integration' | 'customer';
  ownerId: string;
}

function dto(r: ProjectTable): Project {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    data: JSON.parse(r.data) as Record<string, unknown>,
    created_at: new Date(Number(r.created_at) * 1000).toISOString(),
    updated_at: new Date(Number(r.updated_at) * 1000).toISOString(),
  };
}

function owned(ctx: Context, environmentId: string, owner: Owner) {
  return ctx.db.selectFrom('projects').selectAll().where('environment_id', '=', environmentId).where('owner_type', '=', owner.ownerType).where('owner_id', '=', owner.ownerId);
}

/** The owner's projects, oldest first, a page after `cursor`. */
export async function listProjects(ctx: Context, environmentId: string, owner: Owner, q: { limit?: number | undefined; cursor?: string | undefined }) {
  const limit = pageSize(q.limit);
  let query = owned(ctx, environmentId, owner);
  if (q.cursor) query = query.where('id', '>', q.cursor);
  const rows = await query.orderBy('id').limit(limit + 1).execute();
  return page(rows.map(dto), limit);
}

/** Creates a project owned by `owner`. */
export async function createProject(ctx: Context, environmentId: string, owner: Owner, input: ProjectCreate): Promise<Project> {
  const now = nowSeconds(ctx.clock);
  const row: ProjectTable = {
    id: resourceId('prj', ctx.clock.now()),
    environment_id: environmentId,
    owner_type: owner.ownerType,
    owner_id: owner.ownerId,
    name: input.name,
    description: input.description ?? '',
    data: JSON.stringify(input.data ?? {}),
    created_at: now,
    updated_at: now,
  };
  await ctx.db.insertInto('projects').values(row).execute();
  return dto(row);
}

/**
 * One of the owner's projects.
 * @throws NotFound when it does not exist or belongs to another principal.
 */
export async function getProject(ctx: Context, environmentId: string, owner: Owner, id: string): Promise<Project> {
  const row = await owned(ctx, environmentId, owner).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('project');
  return dto(row);
}

/**
 * Changes one of the owner's projects.
 * @throws NotFound as {@link getProject}.
 */
export async function updateProject(ctx: Context, environmentId: string, owner: Owner, id: string, patch: ProjectUpdate): Promise<Project> {
  const res = await ctx.db
    .updateTable('projects')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.data !== undefined && { data: JSON.stringify(patch.data) }),
      updated_at: nowSeconds(ctx.clock),
    })
    .where('id', '=', id)
    .where('environment_id', '=', environmentId)
    .where('owner_type', '=', owner.ownerType)
    .where('owner_id', '=', owner.ownerId)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new NotFound('project');
  return getProject(ctx, environmentId, owner, id);
}

/**
 * Deletes one of the owner's projects.
 * @throws NotFound as {@link getProject}.
 */
export async function deleteProject(ctx: Context, environmentId: string, owner: Owner, id: string): Promise<void> {
  const res = await ctx.db
    .deleteFrom('projects')
    .where('id', '=', id)
    .where('environment_id', '=', environmentId)
    .where('owner_type', '=', owner.ownerType)
    .where('owner_id', '=', owner.ownerId)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFound('project');
}
