/**
 * Shared plumbing of CLI commands: store options, output (human or `--json`), confirmation.
 * @packageDocumentation
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import {
  environments,
  loadConfig,
  NotFound,
  openContext,
  servedUrls,
  type Config,
  type Context,
} from '@gatehouse/server';
import { requireStore } from './store-check.js';

/**
 * Where a run of the CLI reads and writes: the process's streams and environment, or a test's
 * (issue #24: the CLI is tested in-process through {@link import('./main.js').run}).
 */
export interface CliIo {
  /** Results (text or `--json`). */
  stdout: NodeJS.WritableStream;
  /** Messages, prompts, errors. */
  stderr: NodeJS.WritableStream;
  /** Passwords (`--password-stdin`) and confirmations; a prompt is shown only when `isTTY`. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Configuration variables (GATEHOUSE_MASTER_KEY, DATABASE_URL, …). */
  env: NodeJS.ProcessEnv;
}

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Where the root command keeps its {@link CliIo}. */
const IO = Symbol('gatehouse.cli.io');
type WithIo = Command & { [IO]?: CliIo };

/** Gives `root` (and every command under it) `io`; commander's own output (help, usage errors) goes there too. */
export function attachIo(root: Command, io: CliIo): void {
  (root as WithIo)[IO] = io;
  root.configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) });
}

/** The {@link CliIo} of the run `cmd` belongs to (the process's when none was attached). */
export function ioOf(cmd: Command): CliIo {
  let root = cmd;
  while (root.parent) root = root.parent;
  return (root as WithIo)[IO] ?? processIo();
}

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
  return loadConfig(
    {
      ...(g.data && { dataDir: g.data }),
      ...(g.databaseUrl && { databaseUrl: g.databaseUrl }),
      ...extra,
    },
    ioOf(cmd).env,
  );
}

/**
 * Runs `fn` with an open store context and closes it afterwards. Only `create: true` (`migrate`)
 * may open a store that doesn't exist yet (which creates and migrates it). The context's issuer and
 * Environment API audience are the ones the last server started on the store recorded
 * ({@link servedUrls}) unless `GATEHOUSE_ISSUER` / `GATEHOUSE_AUDIENCE` say otherwise, so links
 * and audiences the CLI prints are the server's (a server on `--port 4101` gives `:4101` links).
 * @throws NoStore when the store doesn't exist and `create` is not set; nothing is created then.
 */
export async function withContext<T>(
  cmd: Command,
  fn: (ctx: Context) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  const config = configFor(cmd);
  if (!options.create) await requireStore(config);
  const opened = await openContext(config);
  try {
    const ctx = await withServedUrls(opened, ioOf(cmd).env);
    return await fn(ctx).catch(async (err: unknown) => {
      throw await namingEnvironments(err, cmd, ctx);
    });
  } finally {
    await opened.store.close();
  }
}

/**
 * `err`, with "environment not found" turned into `environment "prod" not found; the environments
 * are: default, staging` (the slug from `--env` or the command's first argument).
 */
async function namingEnvironments(err: unknown, cmd: Command, ctx: Context): Promise<unknown> {
  if (!(err instanceof NotFound) || err.message !== 'environment not found') return err;
  const slug = cmd.opts<{ env?: unknown }>().env ?? (cmd.parent?.name() === 'env' ? cmd.args[0] : undefined);
  const known = await environments.listEnvironments(ctx).then(
    (list) => list.map((e) => e.slug),
    () => undefined,
  );
  if (typeof slug === 'string') err.message = `environment ${JSON.stringify(slug)} not found`;
  if (known) err.message += known.length ? `; the environments are: ${known.join(', ')}` : '; there is no environment';
  return err;
}

/** `ctx` with the issuer and audience the server recorded, where `env` doesn't set them. */
async function withServedUrls(ctx: Context, env: NodeJS.ProcessEnv): Promise<Context> {
  const served = await servedUrls(ctx);
  if (!served) return ctx;
  const issuer = env.GATEHOUSE_ISSUER ? ctx.config.issuer : served.issuer;
  const audience = env.GATEHOUSE_AUDIENCE || env.GATEHOUSE_ISSUER ? ctx.config.audience : served.audience;
  return { ...ctx, config: Object.freeze({ ...ctx.config, issuer, audience }) };
}

/**
 * The public base URL of the server on the store `cmd` points at (as {@link withContext} sees it),
 * or undefined when there is no store there or it can't be opened.
 */
export async function servedIssuer(cmd: Command): Promise<string | undefined> {
  try {
    return await withContext(cmd, async (ctx) => ((await servedUrls(ctx)) ? ctx.config.issuer : undefined));
  } catch {
    return undefined;
  }
}

/**
 * Prints `value` as JSON with `--json` ({@link jsonText}), else the human text `human(value)`,
 * where every string of `value` has its control characters escaped first ({@link escapeControl}):
 * names, ids, audit actors and targets come from the store and may hold terminal escapes (H-83).
 */
export function output<T>(cmd: Command, value: T, human: (v: T) => string): void {
  ioOf(cmd).stdout.write(globals(cmd).json ? jsonText(value) + '\n' : human(escapeStrings(value)) + '\n');
}

/**
 * Characters a terminal may act on instead of showing: C0 (incl. ESC, BEL, CR, LF), DEL, C1 (incl.
 * the one-byte CSI U+009B), the line and paragraph separators and the bidirectional overrides.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same outside C0, which `JSON.stringify` already escapes (its raw newlines are indentation). */
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character written as an escape: `\x1b` for C0 and DEL, `\u009b` for
 * C1 and the other ones above. Printable text, including a backslash, is left as it is.
 * @example escapeControl('a\x1b]0;pwned\x07') === 'a\\x1b]0;pwned\\x07'
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * `value` as indented JSON that is safe on a terminal: C1, DEL, U+2028/2029 and the bidi controls
 * are written as `\u…` escapes too (still the same JSON value for any parser). `indent` 0 gives one line.
 */
export function jsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `value` with {@link escapeControl} applied to every string in it (objects and arrays are copied). */
function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeControl(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeStrings(v)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeStrings(v)])) as T;
  return value;
}

/** The widest a table cell is shown (longer text is cut with an ellipsis; `show` gives it whole). */
export const MAX_CELL = 40;
/** Columns shown whole: identifiers one copies from a table. */
const WHOLE = /(^|_)(id|kid|slug|audience)$/;

/** `text` cut to `max` characters, the last one an ellipsis when it was longer. */
export function ellipsis(text: string, max = MAX_CELL): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/**
 * Prints rows as an aligned table; cells are escaped ({@link escapeControl}) so none can break the
 * layout, and cut at {@link MAX_CELL} characters with an ellipsis, except identifier columns.
 */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (!rows.length) return '(none)';
  const cells = rows.map((r) =>
    columns.map((c) => {
      const text = escapeControl(String(r[c] ?? ''));
      return WHOLE.test(c) ? text : ellipsis(text);
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

/**
 * Asks before a destructive action on a TTY; `--yes` or a non-interactive run skips the question.
 * @returns false when the user declined.
 */
export async function confirm(cmd: Command, question: string): Promise<boolean> {
  const io = ioOf(cmd);
  if (globals(cmd).yes || !io.stdin.isTTY) return true;
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
