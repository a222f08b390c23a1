/**
 * Restoring the embedded store from a backup (issue #28 item 3, docs/security.md N-126) with the
 * one master key it was created with: the key this process would open the new store with is
 * checked against the backup's check value before anything is written (see unlock-store.ts).
 * @packageDocumentation
 */
import { BackupRefused, installBackup, readBackupMeta, refuseOccupied, type BackupResult } from '../store/backup.js';
import { masterKeyPath, type MasterKeys } from '../config/master-key-source.js';
import { MASTER_KEY_CHECK, MASTER_KEY_ORIGIN, masterKeyMatches } from './unlock-store.js';

/**
 * Creates the embedded store in `dataDir` (new, or empty but for `master.key`) from the backup
 * `file`, after checking that the master key this process would open it with (`keys`: the
 * `GATEHOUSE_MASTER_KEY` value, `<dataDir>/master.key`) is the key the backed-up store was
 * created with. Writes nothing unless every check passes; the store file appears whole or not at all.
 * @throws BackupRefused when `dataDir` holds a store (in use by a process or not) or other files,
 *   `file` is not a Gatehouse backup, or the master key is missing, ambiguous or another one.
 */
export async function restoreEmbeddedStore(file: string, dataDir: string, keys: MasterKeys): Promise<BackupResult> {
  refuseOccupied(dataDir);
  const meta = await readBackupMeta(file, [MASTER_KEY_CHECK, MASTER_KEY_ORIGIN]);
  const check = { value: meta.get(MASTER_KEY_CHECK), origin: meta.get(MASTER_KEY_ORIGIN) };
  if (check.value === undefined)
    throw new BackupRefused(
      `${file} holds no master key check value: it is not a Gatehouse backup, or its store was never opened by a release that records one; start a current server on that store once and back it up again`,
    );
  const { given, file: keyFile } = keys;
  if (given && keyFile && !given.key.equals(keyFile.key))
    throw new BackupRefused(
      `two different master keys: ${given.origin} and ${keyFile.origin}; keep the one the backed-up store was created with and remove the other. Nothing was written.`,
    );
  const source = given ?? keyFile;
  if (!source)
    throw new BackupRefused(
      `no master key: the backup does not hold it (it was created with the one from ${check.origin ?? 'an unknown origin'}). ` +
        `Set GATEHOUSE_MASTER_KEY to that key, or copy that master.key to ${masterKeyPath(dataDir)}. Nothing was written.`,
    );
  if (!masterKeyMatches(source.key, check.value))
    throw new BackupRefused(
      `the master key from ${source.origin} does not open this backup: it was made of a store created with another master key (from ${check.origin ?? 'an unknown origin'}). ` +
        'Give the key the backed-up store was created with. Nothing was written.',
    );
  return installBackup(file, dataDir);
}
