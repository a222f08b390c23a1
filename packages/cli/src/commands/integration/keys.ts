/**
 * `gatehouse integration add-key|list-keys|remove-key`: the public keys an integration signs its
 * `private_key_jwt` client assertions with (RFC 7523 §2.2). During a rotation add the new key,
 * switch the client over, then remove the old one.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { exportJWK, importSPKI } from 'jose';
import type { Command } from 'commander';
import { CLI_ACTOR, integrations } from '@gatehouse/server';
import { ClientKeyAdd, type Jwk, type Jwks } from '@gatehouse/contracts';
import { confirm, output, table, withContext } from '../../io.js';
import { checked } from '../../validate.js';

/** The most keys one file may hold (a JWK Set of an integration holds at most 5, RFC 7517 §5). */
const MAX_KEYS = 5;

/**
 * Reads the public keys in a file: a JWK Set (`{"keys": [...]}`, 1 to 5 keys), one bare JWK (as
 * the console accepts), or a PEM public key (`-----BEGIN PUBLIC KEY-----`, SPKI), converted to a
 * JWK with jose (`importSPKI` + `exportJWK`; EC keys get their `alg` from the curve, Ed25519 `EdDSA`,
 * RSA keys `RS256`). Only the shape is checked here; the server refuses private, symmetric or weak keys.
 * @throws Error naming the file when it can't be read, is a private key, or holds none of these.
 */
export async function readKeysFile(path: string): Promise<Jwk[]> {
  const text = readText(path);
  if (text.includes('-----BEGIN')) return [await pemToJwk(path, text)];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${path}: neither JSON (a JWK or a JWK Set) nor a PEM public key (-----BEGIN PUBLIC KEY-----)`);
  }
  if (!isObject(value)) throw new Error(`${path}: expected a JWK or a JWK Set {"keys": [...]} as a JSON object`);
  const keys = Array.isArray(value.keys) ? (value.keys as unknown[]) : [value];
  if (!keys.length || keys.length > MAX_KEYS) throw new Error(`${path}: expected 1 to ${MAX_KEYS} keys`);
  if (!keys.every((k) => isObject(k) && typeof k.kty === 'string'))
    throw new Error(`${path}: every key needs a "kty" (RFC 7517 §4.1)`);
  return keys as Jwk[];
}

/** {@link readKeysFile} as a JWK Set, for `--jwks-file`. */
export async function readJwksFile(path: string): Promise<Jwks> {
  return { keys: await readKeysFile(path) };
}

/** The algorithm a PEM public key is imported for: from its type and, for EC, its curve. */
function algOf(path: string, key: KeyObject): string {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const alg = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }[curve ?? ''];
    if (alg) return alg;
  }
  if (type === 'rsa') return 'RS256';
  if (type === 'ed25519') return 'EdDSA';
  throw new Error(
    `${path}: can't convert this PEM public key (${type ?? 'unknown type'}) to a JWK; give the key as a JWK or JWK Set`,
  );
}

/** A PEM public key (SPKI) as a JWK, through jose's importSPKI and exportJWK. */
async function pemToJwk(path: string, pem: string): Promise<Jwk> {
  if (/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem))
    throw new Error(`${path}: this is a PRIVATE key; give the public key (openssl pkey -in KEY -pubout)`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error(`${path}: not a readable PEM public key (expected -----BEGIN PUBLIC KEY-----)`);
  }
  const alg = algOf(path, key);
  const spki = key.export({ type: 'spki', format: 'pem' }).toString();
  try {
    const jwk = await exportJWK(await importSPKI(spki, alg, { extractable: true }));
    return { ...jwk, alg } as Jwk;
  } catch (err) {
    throw new Error(
      `${path}: converting the PEM public key to a JWK failed (${err instanceof Error ? err.message : String(err)}); give the key as a JWK`,
    );
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${path}: can't read the file`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function registerKeys(integration: Command): void {
  integration
    .command('add-key <client_id>')
    .description('register public keys for private_key_jwt, from a JWK, a JWK Set or a PEM public key')
    .option('--jwk-file <file>', 'file with one public JWK, or a PEM public key')
    .option('--jwks-file <file>', 'file with a JWK Set, one JWK or a PEM public key')
    .action(async (clientId: string, opts: { jwkFile?: string; jwksFile?: string }, cmd: Command) => {
      if (!opts.jwkFile === !opts.jwksFile) throw new Error('give exactly one of --jwk-file or --jwks-file');
      const path = (opts.jwksFile ?? opts.jwkFile)!;
      const jwks = (await readKeysFile(path)).map((jwk) => checked(ClientKeyAdd, { jwk }, { jwk: path }).jwk);
      const added = await withContext(cmd, async (ctx) => {
        const out = [];
        for (const jwk of jwks) out.push(await integrations.addClientKey(ctx, CLI_ACTOR, clientId, jwk));
        return out;
      });
      output(cmd, added, (keys) => keys.map((k) => `Added key ${k.kid} (${k.alg}) to ${clientId}.`).join('\n'));
    });
  integration
    .command('list-keys <client_id>')
    .description('list the public keys of an integration')
    .action(async (clientId: string, _opts: unknown, cmd: Command) => {
      const keys = await withContext(cmd, (ctx) => integrations.listClientKeys(ctx, clientId));
      output(cmd, keys, (ks) => table(ks, ['kid', 'alg', 'kty', 'created_at']));
    });
  integration
    .command('remove-key <client_id>')
    .description('remove a public key; assertions signed with it fail from then on')
    .requiredOption('--kid <kid>', 'the key to remove')
    .action(async (clientId: string, opts: { kid: string }, cmd: Command) => {
      if (!(await confirm(cmd, `Remove key ${opts.kid} of ${clientId}?`))) return;
      await withContext(cmd, (ctx) => integrations.removeClientKey(ctx, CLI_ACTOR, clientId, opts.kid));
      output(
        cmd,
        { client_id: clientId, kid: opts.kid, removed: true },
        () => `Removed key ${opts.kid} of ${clientId}.`,
      );
    });
}
