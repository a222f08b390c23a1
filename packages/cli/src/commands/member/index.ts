/** `gatehouse member …`: environment members with roles, and invitations: create, list pending, revoke (docs/product.md "Delegated administration"). */
import type { Command } from 'commander';
import { registerMemberInvite } from './invite.js';
import { registerMemberList } from './list.js';
import { registerMemberSetRole } from './set-role.js';
import { registerMemberRemove } from './remove.js';
import { registerMemberInvitations } from './invitations.js';
import { registerMemberRevokeInvitation } from './revoke-invitation.js';

/** Registers `gatehouse member` and its subcommands on `root`. */
export function memberCommand(root: Command): void {
  const member = root.command('member').description('manage the members of an environment and invite new ones');
  registerMemberInvite(member);
  registerMemberList(member);
  registerMemberSetRole(member);
  registerMemberRemove(member);
  registerMemberInvitations(member);
  registerMemberRevokeInvitation(member);
}
