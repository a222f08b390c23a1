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
import { repositories, unitOfWork } from '../store/unit-of-work.js';

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

/** The owner's projects, oldest first, a page after `cursor`. */
export async function listProjects(
  ctx: Context,
  environmentId: string,
  owner: Owner,
  q: { limit?: number | undefined; cursor?: string | undefined },
) {
  const limit = pageSize(q.limit);
  const rows = await repositories(ctx.store).projects.page(environmentId, owner, {
    limit: limit + 1,
    cursor: q.cursor,
  });
  return page(rows.map(dto), limit);
}

/** Creates a project owned by `owner`. */
export async function createProject(
  ctx: Context,
  environmentId: string,
  owner: Owner,
  input: ProjectCreate,
): Promise<Project> {
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
  await unitOfWork(ctx.store, (uow) => uow.projects.insert(row));
  return dto(row);
}

/**
 * One of the owner's projects.
 * @throws NotFound when it does not exist or belongs to another principal.
 */
export async function getProject(ctx: Context, environmentId: string, owner: Owner, id: string): Promise<Project> {
  const row = await repositories(ctx.store).projects.get(environmentId, owner, id);
  if (!row) throw new NotFound('project');
  return dto(row);
}

/**
 * Changes one of the owner's projects.
 * @throws NotFound as {@link getProject}.
 */
export async function updateProject(
  ctx: Context,
  environmentId: string,
  owner: Owner,
  id: string,
  patch: ProjectUpdate,
): Promise<Project> {
  const changes = {
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.description !== undefined && { description: patch.description }),
    ...(patch.data !== undefined && { data: JSON.stringify(patch.data) }),
  };
  const updated = await unitOfWork(ctx.store, (uow) =>
    uow.projects.update(environmentId, owner, id, changes, nowSeconds(ctx.clock)),
  );
  if (!updated) throw new NotFound('project');
  return getProject(ctx, environmentId, owner, id);
}

/**
 * Deletes one of the owner's projects.
 * @throws NotFound as {@link getProject}.
 */
export async function deleteProject(ctx: Context, environmentId: string, owner: Owner, id: string): Promise<void> {
  if (!(await unitOfWork(ctx.store, (uow) => uow.projects.delete(environmentId, owner, id))))
    throw new NotFound('project');
}
