/**
 * Shared plumbing of CLI commands: store options, output (human or `--json`), confirmation.
 * @packageDocumentation
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { loadConfig, openContext, type Config, type Context } from '@gatehouse/server';

/** Options every command takes. */
export interface GlobalOptions {
  data?: string;
  databaseUrl?: string;
  json?: boolean;
  yes?: boolean;
}

/** The global options of `cmd` (flags given before or after the subcommand). */
export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/** The configuration for a command, from its flags and the environment. */
export function configFor(cmd: Command, extra: Parameters<typeof loadConfig>[0] = {}): Config {
  const g = globals(cmd);
  return loadConfig({ ...(g.data && { dataDir: g.data }), ...(g.databaseUrl && { databaseUrl: g.databaseUrl }), ...extra });
}

/** Runs `fn` with an open store context and closes it afterwards. */
export async function withContext<T>(cmd: Command, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = await openContext(configFor(cmd));
  try {
    return await fn(ctx);
  } finally {
    await ctx.store.close();
  }
}

/** Prints `value` as JSON with `--json`, else the human text `human(value)`. */
export function output<T>(cmd: Command, value: T, human: (v: T) => string): void {
  process.stdout.write(globals(cmd).json ? JSON.stringify(value, null, 2) + '\n' : human(value) + '\n');
}

/** Prints rows as an aligned table. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (!rows.length) return '(none)';
  const cells = rows.map((r) => columns.map((c) => String(r[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

/**
 * Asks before a destructive action on a TTY; `--yes` or a non-interactive run skips the question.
 * @returns false when the user declined.
 */
export async function confirm(cmd: Command, question: string): Promise<boolean> {
  if (globals(cmd).yes || !process.stdin.isTTY) return true;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
