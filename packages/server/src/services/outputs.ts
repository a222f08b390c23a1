/**
 * Outputs: render requests of the caller's own projects, counted per principal (audit `output.create`).
 * @packageDocumentation
 */
import type { Output, OutputCreate } from '@gatehouse/contracts';
import type { Actor, Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { NotFound } from '../errors/domain-errors.js';
import type { OutputTable } from '../store/schema.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';
import type { Owner } from './projects.js';
import { page, pageSize, resourceId } from './resource-ids.js';

function dto(r: OutputTable): Output {
  return {
    id: r.id,
    project_id: r.project_id,
    format: r.format,
    status: r.status,
    created_at: new Date(Number(r.created_at) * 1000).toISOString(),
  };
}

/**
 * Requests a render of one of the owner's projects.
 * @throws NotFound when the project is not the owner's.
 */
export async function createOutput(
  ctx: Context,
  environmentId: string,
  owner: Owner,
  input: OutputCreate,
  actor: Actor,
): Promise<Output> {
  const row: OutputTable = {
    id: resourceId('out', ctx.clock.now()),
    environment_id: environmentId,
    owner_type: owner.ownerType,
    owner_id: owner.ownerId,
    project_id: input.project_id,
    format: input.format ?? 'png',
    status: 'queued',
    created_at: nowSeconds(ctx.clock),
  };
  await unitOfWork(ctx.store, async (uow) => {
    // The project is looked up where the output is written (docs/security.md K-100).
    if (!(await uow.projects.get(environmentId, owner, input.project_id))) throw new NotFound('project');
    await uow.outputs.insert(row);
    await uow.audit(
      actor,
      {
        environmentId,
        action: 'output.create',
        target: row.id,
        details: { project_id: row.project_id, format: row.format },
      },
      ctx.clock.now(),
    );
  });
  return dto(row);
}

/** The owner's outputs, oldest first. */
export async function listOutputs(
  ctx: Context,
  environmentId: string,
  owner: Owner,
  q: { limit?: number | undefined; cursor?: string | undefined },
) {
  const limit = pageSize(q.limit);
  return page(
    (await repositories(ctx.store).outputs.page(environmentId, owner, { limit: limit + 1, cursor: q.cursor })).map(dto),
    limit,
  );
}

/**
 * One of the owner's outputs.
 * @throws NotFound
 */
export async function getOutput(ctx: Context, environmentId: string, owner: Owner, id: string): Promise<Output> {
  const row = await repositories(ctx.store).outputs.get(environmentId, owner, id);
  if (!row) throw new NotFound('output');
  return dto(row);
}
