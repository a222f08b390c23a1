/**
 * `gatehouse integration add-key|list-keys|remove-key`: the public keys an integration signs its
 * `private_key_jwt` client assertions with (RFC 7523 §2.2). During a rotation add the new key,
 * switch the client over, then remove the old one.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CLI_ACTOR, integrations } from '@gatehouse/server';
import type { Jwk, Jwks } from '@gatehouse/contracts';
import { confirm, output, table, withContext } from '../../io.js';

/**
 * Reads a JSON file holding a JWK Set (`{"keys": [...]}`, at most 5 keys).
 * @throws Error naming the file when it can't be read or has another shape.
 */
export function readJwksFile(path: string): Jwks {
  const value = readJson(path) as { keys?: unknown };
  if (!Array.isArray(value.keys) || !value.keys.length || value.keys.length > 5 || !value.keys.every(isObject))
    throw new Error(`${path}: expected a JWK Set {"keys": [...]} with 1 to 5 keys`);
  return { keys: value.keys as Jwk[] };
}

function readJwkFile(path: string): Jwk {
  const value = readJson(path);
  if (!isObject(value) || typeof value.kty !== 'string') throw new Error(`${path}: expected one JWK with kty`);
  return value as Jwk;
}

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`${path}: can't read the file`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (!isObject(value)) throw new Error();
    return value;
  } catch {
    throw new Error(`${path}: not a JSON object`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function registerKeys(integration: Command): void {
  integration
    .command('add-key <client_id>')
    .description('register public keys for private_key_jwt, from a JWK (--jwk-file) or a JWK Set (--jwks-file)')
    .option('--jwk-file <file>', 'JSON file with one public JWK')
    .option('--jwks-file <file>', 'JSON file with a JWK Set')
    .action(async (clientId: string, opts: { jwkFile?: string; jwksFile?: string }, cmd: Command) => {
      if (!opts.jwkFile === !opts.jwksFile) throw new Error('give exactly one of --jwk-file or --jwks-file');
      const jwks = opts.jwksFile ? readJwksFile(opts.jwksFile).keys : [readJwkFile(opts.jwkFile!)];
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
