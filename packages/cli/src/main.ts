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
  ])
    add(root);
  return root;
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

/** Runs the CLI with `argv` (as `process.argv`) on the process's streams; sets the process's exit code. */
export async function main(argv: string[]): Promise<void> {
  const code = await run(argv);
  if (code !== 0) process.exitCode = code;
}
