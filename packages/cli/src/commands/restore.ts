/**
 * `gatehouse restore FILE --data DIR`: creates the embedded store in a new or empty directory from
 * a backup, after checking the master key (`GATEHOUSE_MASTER_KEY` or `DIR/master.key`, as the
 * server finds it) against the backup's check value. Refuses a directory holding a store (in use
 * or not) and PostgreSQL (`pg_restore`).
 */
import type { Command } from 'commander';
import { BackupRefused, restoreEmbeddedStore } from '@gatehouse/server';
import { configFor, output } from '../io.js';

export function restoreCommand(root: Command): void {
  root
    .command('restore')
    .description('create the embedded store in a new or empty --data directory from a backup file')
    .argument('<file>', 'a file written by gatehouse backup')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const config = configFor(cmd);
      if (config.databaseUrl)
        throw new BackupRefused(
          'gatehouse restore creates an embedded store only; restore PostgreSQL with pg_restore ' +
            '(pg_restore --dbname "$DATABASE_URL" --no-owner gatehouse.dump, see README "Operations") ' +
            'and give the server the GATEHOUSE_MASTER_KEY kept beside the dump',
        );
      const restored = await restoreEmbeddedStore(file, config.dataDir, config.masterKeys);
      output(
        cmd,
        { restored: restored.file, bytes: restored.bytes },
        (r) =>
          `Restored ${file} into ${r.restored} (${r.bytes} bytes). Start the server on it: gatehouse --data ${config.dataDir} serve`,
      );
    });
}
