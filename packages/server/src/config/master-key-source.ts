/**
 * Where the master key comes from, as the configuration reads it: the `GATEHOUSE_MASTER_KEY`
 * value (or `masterKey` option) and `<dataDir>/master.key`, parsed and checked for length. What
 * the key is used for (the sealer, unlocking the store) is keys/'s.
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Parses a master key (base64 of 32 bytes); `origin` names where it came from in the error.
 * @throws Error when it does not decode to exactly 32 bytes.
 */
export function parseMasterKey(base64: string, origin = 'GATEHOUSE_MASTER_KEY'): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${origin} must be base64 of exactly 32 bytes`);
  return key;
}

/** Path of the embedded store's key file: `<dataDir>/master.key`. */
export function masterKeyPath(dataDir: string): string {
  return join(dataDir, 'master.key');
}

/**
 * Reads `<dataDir>/master.key`; undefined when there is no such file. Never creates one.
 * @throws Error when the file exists but is not a valid key, or can't be read.
 */
export function readMasterKeyFile(dataDir: string): Buffer | undefined {
  const path = masterKeyPath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseMasterKey(text, path);
}

/** A master key and where it came from, in words (`the GATEHOUSE_MASTER_KEY environment variable`, a file path). */
export interface MasterKeySource {
  readonly key: Buffer;
  readonly origin: string;
}

/** The master keys a process was given; `unlockStore` (keys/unlock-store.ts) uses one of them or refuses. */
export interface MasterKeys {
  /** From `GATEHOUSE_MASTER_KEY` (or the `masterKey` option); undefined when not set. */
  readonly given: MasterKeySource | undefined;
  /** From `<dataDir>/master.key` (embedded store only); undefined when there is no such file. */
  readonly file: MasterKeySource | undefined;
}

/** Where the store is, for messages (`embedded store in /srv/data`, `PostgreSQL postgres://u:***@db/gh`). */
export interface StorePlace {
  readonly description: string;
  /** The data directory: where `master.key` is generated for a new embedded store. */
  readonly dataDir: string;
  readonly embedded: boolean;
}
