/**
 * The master key: 32 bytes that encrypt private signing keys, reusable tokens and environment
 * secrets at rest (AES-256-GCM), and key the HMAC of client secrets.
 * @packageDocumentation
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { masterKeyPath, readMasterKeyFile } from '../config/master-key-source.js';

export { masterKeyPath, parseMasterKey, readMasterKeyFile } from '../config/master-key-source.js';

/**
 * Creates `<dataDir>/master.key` (mode 0600) with a new random key and returns the key. Only for
 * a store that holds nothing yet (see `unlockStore`). Two processes doing it at once agree: the
 * file is created exclusively and the loser reads the winner's.
 */
export function createMasterKeyFile(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(masterKeyPath(dataDir), randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readMasterKeyFile(dataDir)!;
}

/**
 * The key check value stored with the store: HMAC-SHA-256 of a fixed label under the master key,
 * base64url. It tells whether a key is the store's without revealing anything about the key.
 */
export function masterKeyCheck(masterKey: Buffer): string {
  return createHmac('sha256', masterKey).update('gatehouse/master-key-check/v1').digest('base64url');
}

/** Authenticated encryption with keys derived from the master key, one per purpose. */
export class Sealer {
  private readonly encKey: Buffer;
  readonly secretPepper: Buffer;

  constructor(masterKey: Buffer) {
    this.encKey = createHmac('sha256', masterKey).update('gatehouse/encryption').digest();
    this.secretPepper = createHmac('sha256', masterKey).update('gatehouse/client-secret-hash').digest();
  }

  /** Encrypts `plaintext`; the result is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv).setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(
      '.',
    );
  }

  /**
   * Decrypts what {@link seal} produced with the same `aad`.
   * @throws Error when the value was tampered with or sealed under another master key.
   */
  open(sealed: string, aad: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('malformed sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url')).setAAD(
      Buffer.from(aad),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}
