/**
 * Which actions on an integration the caller can't take, and why, from the integration's `actions`
 * (decided per caller by the server's policy, the same check its routes make): the General tab
 * enables exactly the actions the server accepts and explains every disabled one here.
 */
import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { Integration } from '../api/types';
import { useRole } from '../capabilities';

type Action = keyof Integration['actions'];

/** What each action is called in a sentence, in the order the tab shows them. */
const LABELS: Record<Action, string> = {
  update: 'enable or disable it',
  rotate_secret: 'rotate its secret',
  revoke_tokens: 'revoke its tokens',
  manage_keys: 'change its keys',
  delete: 'delete it',
};

/** "a, b or c". */
function either(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** True for a key-only integration: it has no secret, so rotating one is not offered at all. */
export function isKeyOnly(c: Integration): boolean {
  return c.token_endpoint_auth_method === 'private_key_jwt';
}

/** The note; nothing when every offered action is allowed. */
export function IntegrationActionsNote({ integration: c }: { integration: Integration }) {
  const role = useRole();
  const offered = (Object.keys(LABELS) as Action[]).filter((a) => a !== 'rotate_secret' || !isKeyOnly(c));
  const refused = offered.filter((a) => !c.actions[a].allowed);
  if (!refused.length) return null;
  const byRole = refused.filter((a) => /^your role/i.test(c.actions[a].reason ?? ''));
  const other = refused.filter((a) => !byRole.includes(a));
  const allowed = offered.filter((a) => c.actions[a].allowed).map((a) => LABELS[a]);
  const yourRole = `Your role${role ? ` (${role})` : ''}`;
  const cant = either(byRole.map((a) => LABELS[a]));
  const roleLine =
    byRole.length === offered.length
      ? `Read only: ${yourRole.toLowerCase()} can't change this integration.`
      : !byRole.length
        ? ''
        : allowed.length
          ? `${yourRole} can ${either(allowed)}, but can't ${cant}.`
          : `${yourRole} can't ${cant}.`;
  return (
    <Alert color="gray" variant="light" icon={<IconLock aria-hidden />} role="note" data-testid="read-only-note">
      {roleLine}
      {other.map((a) => ` You can't ${LABELS[a]}: ${c.actions[a].reason}.`)} Ask an owner or admin of this environment.
    </Alert>
  );
}
