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
import { escapeControl, jsonText } from './io.js';

/** Builds the program (exported for tests). */
export function program(): Command {
  const root = new Command('gatehouse')
    .description('Gatehouse: OAuth 2.0 client_credentials server for integrations')
    .option('--data <dir>', 'embedded store directory (default ./data, or GATEHOUSE_DATA_DIR)')
    .option('--database-url <url>', 'PostgreSQL URL (or DATABASE_URL)')
    .option('--json', 'machine-readable output')
    .option('-y, --yes', 'do not ask for confirmation')
    .showHelpAfterError()
    .exitOverride();
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

/** Runs the CLI with `argv` (as `process.argv`). Errors print one line and set exit code 1. */
export async function main(argv: string[]): Promise<void> {
  const root = program();
  try {
    await root.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    const json = argv.includes('--json');
    const code = err instanceof ApiError || err instanceof DomainError ? err.code : 'error';
    const message = err instanceof Error ? err.message : String(err);
    // A message may quote what the store holds (a name, an id): escaped like every other output (H-83).
    process.stderr.write(
      json ? jsonText({ error: code, error_description: message }, 0) + '\n' : `gatehouse: ${escapeControl(message)}\n`,
    );
    process.exitCode = 1;
  }
}
