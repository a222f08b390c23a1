/** `gatehouse migrate`: apply pending migrations (they are also applied on start). */
import type { Command } from 'commander';
import { withContext, output } from '../io.js';

export function migrateCommand(root: Command): void {
  root
    .command('migrate')
    .description('apply pending database migrations')
    .action(async (_opts: unknown, cmd: Command) => {
      // Opening the store creates it when missing and applies every pending migration.
      await withContext(cmd, async () => undefined, { create: true });
      output(cmd, { migrated: true }, () => 'The store is migrated to the latest schema.');
    });
}
