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

/**
 * Longest identifier ever looked up, characters: every id Gatehouse issues is shorter (a
 * `client_id` is 20, an environment key 23, a slug at most 63). A longer one names nothing, so it
 * is refused before any lookup, and never cached or stored (docs/security.md H-76).
 */
export const MAX_IDENTIFIER_LENGTH = 64;

/**
 * lru-cache options bounding a cache at about `bytes` bytes: each entry counts its key's UTF-16
 * length twice plus `overhead` (the value and lru-cache's bookkeeping), so a flood of long keys
 * evicts older entries instead of growing memory (docs/security.md H-76).
 * @param bytes - the bound, bytes
 * @param overhead - estimated bytes per entry besides its key
 * @example new LRUCache<string, true>(upToBytes(4 * 1024 * 1024, 100))
 */
export function upToBytes(
  bytes: number,
  overhead: number,
): { maxSize: number; sizeCalculation: (value: unknown, key: string) => number } {
  return { maxSize: bytes, sizeCalculation: (_value, key) => 2 * key.length + overhead };
}
