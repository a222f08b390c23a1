/**
 * Whether the store answers, for `/readyz`.
 * @packageDocumentation
 */
import type { Context } from '../context.js';
import { repositories } from '../store/unit-of-work.js';

/** Resolves when the store answers a trivial query. @throws the store's error when it does not. */
export function storeAnswers(ctx: Context): Promise<void> {
  return repositories(ctx.store).storeMeta.ping();
}
