/** `gatehouse keys list|rotate`: the signing-key lifecycle. */
import type { Command } from 'commander';
import { CLI_ACTOR, ensureActiveKey, loadSigningKeys, promoteDueKeys, rotateSigningKey } from '@gatehouse/server';
import { confirm, output, table, withContext } from '../../io.js';

const iso = (s: number | null) => (s === null ? null : new Date(s * 1000).toISOString());

export function keysCommand(root: Command): void {
  const keys = root.command('keys').description('manage token signing keys');
  keys
    .command('list')
    .description('list published keys with their state (next, active, retiring) and dates')
    .action(async (_opts: unknown, cmd: Command) => {
      const list = await withContext(cmd, async (ctx) => {
        await ensureActiveKey(ctx);
        await promoteDueKeys(ctx);
        return (await loadSigningKeys(ctx)).map((k) => ({
          kid: k.kid,
          alg: k.alg,
          state: k.state,
          created_at: iso(k.createdAt),
          activates_at: iso(k.activatesAt),
          expires_at: iso(k.expiresAt),
        }));
      });
      output(cmd, list, (l) => table(l, ['kid', 'alg', 'state', 'activates_at', 'expires_at']));
    });
  keys
    .command('rotate')
    .description('publish a new key that signs after the JWKS cache lifetime (--now: at once)')
    .option('--now', 'switch at once')
    .action(async (opts: { now?: boolean }, cmd: Command) => {
      if (!(await confirm(cmd, opts.now ? 'Switch the signing key now?' : 'Publish a new signing key?'))) return;
      const rotated = await withContext(cmd, (ctx) => rotateSigningKey(ctx, CLI_ACTOR, { now: !!opts.now }));
      output(
        cmd,
        { kid: rotated.kid, activates_at: iso(rotated.activates_at) },
        (r) => `New key ${r.kid} signs from ${r.activates_at}.`,
      );
    });
}
