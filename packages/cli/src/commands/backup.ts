/**
 * `gatehouse backup --out FILE`: a consistent copy of the embedded store, taken while the server
 * serves (SQLite's online backup). The master key is not in it: keep it beside the copy. On
 * PostgreSQL it refuses and names `pg_dump` (README "Operations").
 */
import type { Command } from 'commander';
import { backupEmbeddedStore, BackupRefused } from '@gatehouse/server';
import { configFor, output } from '../io.js';

export function backupCommand(root: Command): void {
  root
    .command('backup')
    .description('copy the embedded store (--data) into a file while the server serves; the master key is not in it')
    .requiredOption('--out <file>', 'the backup file to create (never overwritten)')
    .action(async (opts: { out: string }, cmd: Command) => {
      const config = configFor(cmd);
      if (config.databaseUrl)
        throw new BackupRefused(
          'gatehouse backup copies the embedded store only; back up PostgreSQL with pg_dump ' +
            '(pg_dump --format=custom --file gatehouse.dump "$DATABASE_URL", see README "Operations") ' +
            'and keep GATEHOUSE_MASTER_KEY beside the dump',
        );
      const copied = await backupEmbeddedStore(config.dataDir, opts.out);
      output(
        cmd,
        { backup: copied.file, bytes: copied.bytes },
        (r) =>
          `Backed up ${config.dataDir} to ${r.backup} (${r.bytes} bytes). The master key is not in it: keep it ` +
          `(GATEHOUSE_MASTER_KEY or ${config.dataDir}/master.key) beside the backup, apart from it.`,
      );
    });
}
