/**
 * What every `gatehouse webhook …` command shares: exactly one of `--env <slug>` (an environment's
 * endpoints) or `--server` (the server-wide ones), and a context that honours the
 * GATEHOUSE_WEBHOOK_ALLOWED_HOSTS of the CLI's environment.
 */
import type { Command } from 'commander';
import { webhooks, type Context } from '@gatehouse/server';
import { ioOf, withContext } from '../../io.js';

/** The scope options. */
export interface ScopeOpts {
  env?: string;
  server?: boolean;
}

/** Adds `--env` and `--server` to `cmd`. */
export function scopeOptions(cmd: Command): Command {
  return cmd
    .option('--env <slug>', "the environment's endpoints")
    .option('--server', 'the server-wide endpoints (every event of the server)');
}

/**
 * The environment slug of `opts`, null for `--server`.
 * @throws Error unless exactly one of `--env` and `--server` is given.
 */
export function slugOf(opts: ScopeOpts): string | null {
  if ((opts.env === undefined) === !opts.server) throw new Error('give either --env <slug> or --server');
  return opts.env ?? null;
}

/** Runs `fn` with an open store context whose webhook allowed hosts are the CLI environment's. */
export function withWebhookContext<T>(cmd: Command, fn: (ctx: Context) => Promise<T>): Promise<T> {
  return withContext(cmd, (ctx) => fn(webhooks.withWebhookAllowedHosts(ctx, ioOf(cmd).env)));
}
