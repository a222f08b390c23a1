/**
 * Entry bounds for lru-cache that cost nothing until entries arrive.
 * @packageDocumentation
 */

/**
 * lru-cache options bounding a cache at `entries` entries without preallocating them: with `max`
 * lru-cache allocates every slot up front (200,000 slots are ~5 MiB before the first entry),
 * while a `maxSize` counting each entry as 1 grows its storage as it fills, with the same bound.
 * @param entries - most entries kept; the least recently used beyond it are evicted
 * @example new LRUCache<string, number>({ ...upToEntries(100_000) })
 */
export function upToEntries(entries: number): { maxSize: number; sizeCalculation: () => number } {
  return { maxSize: entries, sizeCalculation: () => 1 };
}
