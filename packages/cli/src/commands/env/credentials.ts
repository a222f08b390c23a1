/** `gatehouse env credentials|rotate-secret|add-public-key`: customer-token credentials. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CLI_ACTOR, credentials } from '@gatehouse/server';
import { confirm, ioOf, output, withContext } from '../../io.js';

export function registerCredentials(env: Command): void {
  env
    .command('credentials <slug>')
    .description('show the environment key; creates the environment secret when none exists and shows it that once')
    .action(async (slug: string, _opts: unknown, cmd: Command) => {
      // Reading never creates a secret (docs/security.md H-82); this command creates it explicitly, once.
      const creds = await withContext(cmd, async (ctx) => {
        const current = await credentials.getCredentials(ctx, slug);
        if (current.secret_created_at !== null) return current;
        const created = await credentials.createEnvironmentSecret(ctx, CLI_ACTOR, slug);
        const { environment_secret_note: _note, ...rest } = current;
        return {
          ...rest,
          environment_secret: created.environment_secret,
          secret_created_at: created.secret_created_at,
        };
      });
      const { stderr } = ioOf(cmd);
      if (creds.environment_secret)
        stderr.write(`Created the environment secret of ${slug}. Store it now: it is not shown again.\n`);
      else
        stderr.write(
          `environment_secret is null: it was shown when it was created (${creds.secret_created_at}) and can't be shown again. Get a new one with: gatehouse env rotate-secret ${slug} [--grace SECONDS]\n`,
        );
      output(cmd, creds, (c) =>
        [
          `environment_key:    ${c.environment_key}`,
          c.environment_secret
            ? `environment_secret: ${c.environment_secret}`
            : `environment_secret: (not shown again: ${'environment_secret_note' in c ? c.environment_secret_note : ''})`,
          ...c.public_keys.map(
            (k) =>
              `public key ${k.id}: ${k.alg}${k.kid ? ` kid=${k.kid}` : ''}${k.allow_admin ? '' : ' (no admin tokens)'}`,
          ),
        ].join('\n'),
      );
    });
  env
    .command('rotate-secret <slug>')
    .description('issue a new environment secret; the previous one keeps working for --grace seconds')
    .option('--grace <seconds>', 'grace period of the previous secret', '0')
    .action(async (slug: string, opts: { grace: string }, cmd: Command) => {
      const grace = Number(opts.grace);
      if (!Number.isInteger(grace) || grace < 0) throw new Error('--grace must be a whole number of seconds');
      if (!(await confirm(cmd, `Rotate the environment secret of ${slug}?`))) return;
      const rotated = await withContext(cmd, (ctx) => credentials.rotateEnvironmentSecret(ctx, CLI_ACTOR, slug, grace));
      output(cmd, rotated, (r) => `environment_secret: ${r.environment_secret}\nStore it now: it is not shown again.`);
    });
  env
    .command('add-public-key <slug>')
    .description('register a public key (PEM or JWK file) for customer tokens, bound to one algorithm')
    .requiredOption('--alg <alg>', 'ES256 ES384 RS256 RS384 RS512 PS256 PS384 PS512 EdDSA')
    .requiredOption('--file <path>', 'PEM (SPKI) or JWK file')
    .option('--kid <kid>', 'key id tokens name in their header')
    .option('--no-admin', 'this key may not sign admin tokens')
    .action(async (slug: string, opts: { alg: string; file: string; kid?: string; admin: boolean }, cmd: Command) => {
      const key = readFileSync(opts.file, 'utf8');
      const added = await withContext(cmd, (ctx) =>
        credentials.addPublicKey(ctx, CLI_ACTOR, slug, { alg: opts.alg, key, kid: opts.kid, allow_admin: opts.admin }),
      );
      output(cmd, added, (k) => `Registered ${k.alg} key ${k.id}${k.kid ? ` (kid ${k.kid})` : ''}.`);
    });
}

/** `gatehouse env remove-public-key SLUG KEY_ID`: customer tokens signed by that key stop verifying. */
export function registerRemovePublicKey(env: Command): void {
  env
    .command('remove-public-key <slug> <key_id>')
    .description(
      'remove a registered public key (its id, key_…, from `env credentials`); tokens it signed are refused from then on',
    )
    .action(async (slug: string, keyId: string, _opts: unknown, cmd: Command) => {
      if (!(await confirm(cmd, `Remove public key ${keyId} of ${slug}? Customer tokens it signed stop working.`)))
        return;
      await withContext(cmd, (ctx) => credentials.removePublicKey(ctx, CLI_ACTOR, slug, keyId));
      output(cmd, { id: keyId, removed: true }, (r) => `Removed public key ${r.id}.`);
    });
}
