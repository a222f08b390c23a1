/** `gatehouse integration …`: integrations (machine users) named by their client_id. */
import type { Command } from 'commander';
import { registerCreate } from './create.js';
import { registerRead } from './read.js';
import { registerLifecycle } from './lifecycle.js';
import { registerUpdate } from './update.js';
import { registerKeys } from './keys.js';
import { registerGrants } from './grants.js';
import { registerFederated } from './federated.js';

export function integrationCommand(root: Command): void {
  const integration = root.command('integration').description('manage integrations (OAuth clients)');
  registerCreate(integration);
  registerRead(integration);
  registerUpdate(integration);
  registerLifecycle(integration);
  registerKeys(integration);
  registerGrants(integration);
  registerFederated(integration);
}
