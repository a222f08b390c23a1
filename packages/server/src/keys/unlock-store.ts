/**
 * Opening a store with the one master key it was created with (docs/security.md H-79). The store
 * keeps a check value of its key (`store_meta.master_key_check`, an HMAC, never the key) and
 * where that key came from; every process — server, CLI, worker, other node — compares its key
 * with it before reading anything, so two keys can never be mixed on one store.
 * @packageDocumentation
 */
import { timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/db.js';
import { repositories } from '../store/unit-of-work.js';
import { createMasterKeyFile, masterKeyCheck, masterKeyPath } from './master-key.js';
import type { MasterKeys, MasterKeySource, StorePlace } from '../config/master-key-source.js';

export type { MasterKeys, MasterKeySource, StorePlace } from '../config/master-key-source.js';

/** Thrown when a process's master key can't open the store; the message says which key and what to do. */
export class MasterKeyRefused extends Error {
  override readonly name = 'MasterKeyRefused';
}

/** The `store_meta` names of the master key's check value and of where that key came from. */
export const MASTER_KEY_CHECK = 'master_key_check';
export const MASTER_KEY_ORIGIN = 'master_key_origin';

/**
 * Picks the master key for `store` (already migrated) and checks it against the store's check
 * value, recording the check value when the store has none (a new store, or one created by the
 * release before check values, which adopts the key in use). Generates `<dataDir>/master.key`
 * only for a new embedded store that holds nothing and when no key was given at all.
 * @returns the 32-byte master key.
 * @throws MasterKeyRefused when the given key and `master.key` differ, when the key is not the
 *   store's, or when no key was found for a store that holds data. Nothing is written then.
 */
export async function unlockStore(store: Store, keys: MasterKeys, place: StorePlace): Promise<Buffer> {
  const meta = await readMeta(store);
  const { given, file } = keys;
  if (given && file && !given.key.equals(file.key)) throw new MasterKeyRefused(conflict(given, file, meta, place));
  let source = given ?? file;
  if (source && meta.check !== undefined && !masterKeyMatches(source.key, meta.check)) {
    throw new MasterKeyRefused(
      `The master key from ${source.origin} does not open the ${place.description}: the store was created with another master key, from ${meta.origin ?? 'an unknown origin'}. ` +
        'Give every process (server, CLI, workers, other nodes) the key the store was created with. Nothing was changed.',
    );
  }
  if (source && meta.check !== undefined) return source.key;
  if (!source) {
    if (meta.check !== undefined || (await holdsData(store))) throw new MasterKeyRefused(missing(meta, place));
    if (!place.embedded)
      throw new MasterKeyRefused(
        `GATEHOUSE_MASTER_KEY (base64, 32 bytes) is required with PostgreSQL: every node must share it`,
      );
    source = { key: createMasterKeyFile(place.dataDir), origin: masterKeyPath(place.dataDir) };
  }
  await repositories(store).storeMeta.insertIfAbsent([
    { name: MASTER_KEY_CHECK, value: masterKeyCheck(source.key) },
    { name: MASTER_KEY_ORIGIN, value: source.origin },
  ]);
  // Another process may have recorded its key first: the store's key is the one that won.
  const recorded = await readMeta(store);
  if (recorded.check === undefined || !masterKeyMatches(source.key, recorded.check)) {
    throw new MasterKeyRefused(
      `The master key from ${source.origin} does not open the ${place.description}: another process recorded a different master key (from ${recorded.origin ?? 'an unknown origin'}) at the same moment. Give every process the same key.`,
    );
  }
  return source.key;
}

async function readMeta(store: Store): Promise<{ check: string | undefined; origin: string | undefined }> {
  const values = await repositories(store).storeMeta.read([MASTER_KEY_CHECK, MASTER_KEY_ORIGIN]);
  return { check: values.get(MASTER_KEY_CHECK), origin: values.get(MASTER_KEY_ORIGIN) };
}

/** True when the store holds anything sealed or keyed under a master key (an environment, a signing key). */
function holdsData(store: Store): Promise<boolean> {
  return repositories(store).storeMeta.holdsData();
}

/** True when `key` is the one whose check value ({@link masterKeyCheck}) is `check` (compared in constant time). */
export function masterKeyMatches(key: Buffer, check: string): boolean {
  const a = Buffer.from(masterKeyCheck(key));
  const b = Buffer.from(check);
  return a.length === b.length && timingSafeEqual(a, b);
}

function conflict(
  given: MasterKeySource,
  file: MasterKeySource,
  meta: { check: string | undefined },
  place: StorePlace,
): string {
  const head = `Two different master keys: ${given.origin} and ${file.origin}. Gatehouse does not choose between them. `;
  if (meta.check !== undefined && masterKeyMatches(given.key, meta.check))
    return (
      head +
      `The ${place.description} was created with the one from ${given.origin}: move ${file.origin} away. Nothing was changed.`
    );
  if (meta.check !== undefined && masterKeyMatches(file.key, meta.check))
    return (
      head +
      `The ${place.description} was created with the one in ${file.origin}: unset GATEHOUSE_MASTER_KEY (or set it to that file's contents). Nothing was changed.`
    );
  return head + `Keep the one the ${place.description} was created with and remove the other. Nothing was changed.`;
}

function missing(meta: { origin: string | undefined }, place: StorePlace): string {
  const from = meta.origin
    ? `it was created with the master key from ${meta.origin}`
    : 'it holds data sealed with a master key';
  const where = place.embedded
    ? `GATEHOUSE_MASTER_KEY is not set and ${masterKeyPath(place.dataDir)} does not exist`
    : 'GATEHOUSE_MASTER_KEY is not set';
  const fix = meta.origin?.endsWith('master.key')
    ? `Restore ${meta.origin}, or set GATEHOUSE_MASTER_KEY to its contents`
    : "Set GATEHOUSE_MASTER_KEY to the key the store was created with (the server's)";
  return `No master key for the ${place.description}: ${from}, and this process has none (${where}). ${fix}. No new key was generated: it could not read what the store holds.`;
}
