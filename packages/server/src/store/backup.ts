/**
 * Backup and restore of the embedded store (issue #28 item 3, docs/security.md N-126): a
 * consistent copy taken with SQLite's online backup while the server serves, and the file work of
 * a restore (keys/restore-store.ts checks the master key against the copy first). The master key
 * is never in the copy: it is kept beside it (`GATEHOUSE_MASTER_KEY` or `master.key`).
 * PostgreSQL stores are copied with `pg_dump` / `pg_restore` instead (README "Operations").
 * @packageDocumentation
 */
import {
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { StoreMetaRepository } from './repositories/store-meta.js';

/** The embedded store's database file in its data directory. */
const SQLITE_FILE = 'gatehouse.db';

/** A backup or restore was refused; the message names the cause and the fix. Nothing was written. */
export class BackupRefused extends Error {
  override readonly name = 'BackupRefused';
}

/** What a backup or restore copied. */
export interface BackupResult {
  /** The file written: the backup, or the restored store's `gatehouse.db`. */
  file: string;
  /** Its size in bytes. */
  bytes: number;
}

/**
 * Copies the embedded store in `dataDir` into `out` (created, mode 0600, never overwritten) with
 * SQLite's online backup in one step: the copy is the store as of one moment at or after the call,
 * so every write committed before the call is in it, and the server keeps serving meanwhile (WAL:
 * readers never block the writer). The copy is a single file (rollback journal, no `-wal`).
 * @throws BackupRefused when `dataDir` holds no store or `out` exists.
 */
export async function backupEmbeddedStore(dataDir: string, out: string): Promise<BackupResult> {
  const source = join(dataDir, SQLITE_FILE);
  if (!existsSync(source))
    throw new BackupRefused(`no Gatehouse store in ${dataDir} (no ${SQLITE_FILE}): point --data at the server's data`);
  if (existsSync(out)) throw new BackupRefused(`${out} exists: choose another --out, or remove it first`);
  const partial = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.partial`);
  const db = new SQLite(source, { fileMustExist: true, timeout: 5000 });
  try {
    // A negative or huge page count copies every page in one step, inside one read transaction.
    await db.backup(partial, { progress: () => 0x7fffffff });
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
  try {
    const copy = new SQLite(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    chmodSync(partial, 0o600);
    return { file: out, bytes: publish(partial, out, () => `${out} appeared meanwhile: choose another --out`) };
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * Copies the backup `file` (already checked by the caller: {@link readBackupMeta}) into `dataDir`
 * as its store, created with the directory when missing. The store file appears whole or not at all.
 * @throws BackupRefused when a store appeared in `dataDir` meanwhile (checked first: {@link refuseOccupied}).
 */
export function installBackup(file: string, dataDir: string): BackupResult {
  refuseOccupied(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const target = join(dataDir, SQLITE_FILE);
  const partial = join(dataDir, `.${SQLITE_FILE}.${randomBytes(6).toString('hex')}.partial`);
  try {
    copyFileSync(file, partial, constants.COPYFILE_EXCL);
    chmodSync(partial, 0o600);
    return {
      file: target,
      bytes: publish(partial, target, () => `a store appeared in ${dataDir} meanwhile; nothing was restored`),
    };
  } finally {
    rmSync(partial, { force: true });
  }
}

/**
 * Refuses a data directory that holds anything but `master.key`: a store (saying whether a process
 * has it open, probed with an exclusive lock that a server's WAL connection prevents) or other files.
 * A directory that does not exist passes.
 * @throws BackupRefused naming what is there and the fix (a new or empty directory).
 */
export function refuseOccupied(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  const entries = readdirSync(dataDir).filter((name) => name !== 'master.key');
  if (entries.length === 0) return;
  if (entries.some((name) => name.startsWith(SQLITE_FILE))) {
    const verb = inUse(join(dataDir, SQLITE_FILE)) ? 'is in use by a running process (a server or the CLI)' : 'exists';
    throw new BackupRefused(
      `a Gatehouse store in ${dataDir} ${verb}: restore into a new or empty directory (--data DIR), then point the server at it. Nothing was written.`,
    );
  }
  throw new BackupRefused(
    `${dataDir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}): restore into a new or empty directory. Nothing was written.`,
  );
}

/** True when another connection has the SQLite file at `path` open (an exclusive lock can't be had at once). */
function inUse(path: string): boolean {
  if (!existsSync(path)) return existsSync(`${path}-wal`);
  const db = new SQLite(path, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('begin exclusive');
    db.exec('rollback');
    return false;
  } catch {
    return true;
  } finally {
    db.close();
  }
}

/**
 * The `store_meta` values of `names` recorded in the backup `file`, read on a read-only connection
 * after SQLite's quick integrity check.
 * @throws BackupRefused when `file` is missing, not a SQLite database, damaged, or not a Gatehouse store.
 */
export async function readBackupMeta(file: string, names: readonly string[]): Promise<Map<string, string>> {
  if (!existsSync(file)) throw new BackupRefused(`no backup at ${file}`);
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
    const [result] = sqlite.pragma('quick_check') as { quick_check: string }[];
    if (result?.quick_check !== 'ok') throw new Error(result?.quick_check ?? 'quick_check failed');
  } catch (err) {
    throw new BackupRefused(`${file} is not a readable Gatehouse backup (${(err as Error).message})`);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    return await new StoreMetaRepository(db).read(names);
  } catch (err) {
    throw new BackupRefused(`${file} is not a Gatehouse backup (${(err as Error).message})`);
  } finally {
    await db.destroy();
  }
}

/**
 * Gives the finished file `partial` its name `target` with a hard link, which fails rather than
 * replace a file that appeared meanwhile (`refused()` says so); the caller removes `partial`.
 * @returns the file's size in bytes.
 */
function publish(partial: string, target: string, refused: () => string): number {
  try {
    linkSync(partial, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupRefused(refused());
    throw err;
  }
  return statSync(target).size;
}
