/**
 * Media and fonts: environment-wide metadata records (name, content type, size in bytes, SHA-256).
 * @packageDocumentation
 */
import type { Asset, AssetCreate } from '@gatehouse/contracts';
import type { Context } from '../context.js';
import { nowSeconds } from '../clock.js';
import { NotFound } from '../errors/domain-errors.js';
import type { AssetTable } from '../store/schema.js';
import { page, pageSize, resourceId } from './resource-ids.js';
import { repositories, unitOfWork } from '../store/unit-of-work.js';

/** Which collection: `media` or `fonts`. */
export type AssetKind = 'media' | 'fonts';

function dto(r: AssetTable): Asset {
  return {
    id: r.id,
    name: r.name,
    content_type: r.content_type,
    size: Number(r.size),
    checksum: r.checksum,
    created_at: new Date(Number(r.created_at) * 1000).toISOString(),
  };
}

/** Assets of a kind in an environment, oldest first, a page after `cursor`. */
export async function listAssets(
  ctx: Context,
  environmentId: string,
  kind: AssetKind,
  q: { limit?: number | undefined; cursor?: string | undefined },
) {
  const limit = pageSize(q.limit);
  return page(
    (await repositories(ctx.store).assets.page(environmentId, kind, { limit: limit + 1, cursor: q.cursor })).map(dto),
    limit,
  );
}

/**
 * One asset.
 * @throws NotFound
 */
export async function getAsset(ctx: Context, environmentId: string, kind: AssetKind, id: string): Promise<Asset> {
  const row = await repositories(ctx.store).assets.get(environmentId, kind, id);
  if (!row) throw new NotFound(kind === 'media' ? 'media' : 'font');
  return dto(row);
}

/** Records a new asset; `createdBy` is the actor string. */
export async function createAsset(
  ctx: Context,
  environmentId: string,
  kind: AssetKind,
  input: AssetCreate,
  createdBy: string,
): Promise<Asset> {
  const row: AssetTable = {
    id: resourceId(kind === 'media' ? 'med' : 'fnt', ctx.clock.now()),
    environment_id: environmentId,
    kind,
    name: input.name,
    content_type: input.content_type,
    size: input.size,
    checksum: input.checksum,
    created_by: createdBy,
    created_at: nowSeconds(ctx.clock),
  };
  await unitOfWork(ctx.store, (uow) => uow.assets.insert(row));
  return dto(row);
}
