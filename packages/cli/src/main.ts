/**
 * The `gatehouse` CLI (commander): one file per command under `commands/<noun>/<verb>.ts`.
 * @packageDocumentation
 */
import { Command, CommanderError } from 'commander';
import { ApiError, DomainError } from '@gatehouse/server';
import { serveCommand } from './commands/serve.js';
import { migrateCommand } from './commands/migrate.js';
import { envCommand } from './commands/env/index.js';
import { integrationCommand } from './commands/integration/index.js';
import { keysCommand } from './commands/keys/index.js';
import { tokenCommand } from './commands/token.js';
import { auditCommand } from './commands/audit.js';
import { adminCommand } from './commands/admin/index.js';
import { apiCommand } from './commands/api/index.js';
import { memberCommand } from './commands/member/index.js';
import { webhookCommand } from './commands/webhook/index.js';
import { backupCommand } from './commands/backup.js';
import { restoreCommand } from './commands/restore.js';
import { attachIo, escapeControl, jsonText, processIo, type CliIo } from './io.js';

/**
 * Builds the program. `io` is where it reads and writes (default: the process's streams and
 * environment); tests pass their own and run it in-process (issue #24).
 */
export function program(io: CliIo = processIo()): Command {
  const root = new Command('gatehouse')
    .description('Gatehouse: OAuth 2.0 client_credentials server for integrations')
    .option('--data <dir>', 'embedded store directory (default ./data, or GATEHOUSE_DATA_DIR)')
    .option('--database-url <url>', 'PostgreSQL URL (or DATABASE_URL)')
    .option('--json', 'machine-readable output')
    .option('-y, --yes', 'do not ask for confirmation')
    .showHelpAfterError()
    .showSuggestionAfterError()
    .exitOverride();
  attachIo(root, io);
  for (const add of [
    serveCommand,
    migrateCommand,
    envCommand,
    integrationCommand,
    keysCommand,
    tokenCommand,
    auditCommand,
    adminCommand,
    apiCommand,
    memberCommand,
    webhookCommand,
    backupCommand,
    restoreCommand,
  ])
    add(root);
  unknownOptionsFirst(root);
  return root;
}

/** The parts of commander's Command that {@link unknownOptionsFirst} reaches (not in its typings). */
interface CommandInternals {
  args: string[];
  missingMandatoryOptionValue(option: unknown): void;
  unknownOption(flag: string): void;
}

/**
 * Commander checks required options before unknown ones, so `--evn default` answered "required
 * option '--env' not specified". On `cmd` and every command below it, an unknown option is named
 * first, with commander's suggestion ("unknown option '--evn' (Did you mean --env?)").
 */
function unknownOptionsFirst(cmd: Command): void {
  const internals = cmd as unknown as CommandInternals;
  const missing = internals.missingMandatoryOptionValue.bind(cmd);
  internals.missingMandatoryOptionValue = (option) => {
    // `args` holds the operands, then the first unknown option and everything after it.
    const unknown = internals.args.find((a) => a.startsWith('-') && a !== '-' && a !== '--');
    if (unknown !== undefined) internals.unknownOption(unknown.split('=')[0]!);
    missing(option);
  };
  for (const sub of cmd.commands) unknownOptionsFirst(sub);
}

/**
 * Runs the CLI with `argv` (as `process.argv`: node, script, then the arguments) on `io`. Errors
 * print one line on `io.stderr`.
 * @returns the exit code: 0, 1 for an error, commander's code for a usage error.
 */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const root = program(io);
  try {
    await root.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const json = argv.includes('--json');
    const code = err instanceof ApiError || err instanceof DomainError ? err.code : 'error';
    const message = err instanceof Error ? err.message : String(err);
    // A message may quote what the store holds (a name, an id): escaped like every other output (H-83).
    io.stderr.write(
      json ? jsonText({ error: code, error_description: message }, 0) + '\n' : `gatehouse: ${escapeControl(message)}\n`,
    );
    return 1;
  }
}

/**
 * Runs the CLI with `argv` (as `process.argv`) on the process's streams; sets the process's exit
 * code. A reader that stops early (`gatehouse integration list | head -2`) ends the run quietly
 * with exit code 0, as other command-line tools do, not with an EPIPE stack trace.
 */
export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const code = await run(argv);
  if (code !== 0) process.exitCode = code;
}
