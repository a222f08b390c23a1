/** `gatehouse admin …`: operators, the console's server-wide administrators. */
import type { Command } from 'commander';
import { registerAdminCreate } from './create.js';
import { registerAdminManage } from './manage.js';

/** Registers `gatehouse admin` and its subcommands on `root`. */
export function adminCommand(root: Command): void {
  const admin = root.command('admin').description('manage operators (server-wide console administrators)');
  registerAdminCreate(admin);
  registerAdminManage(admin);
}
