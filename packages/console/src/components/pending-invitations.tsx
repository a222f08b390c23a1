/**
 * "Pending invitations" under the members of an environment: the invitations that can still be
 * accepted (email, role, expiry, who invited). Callers with `members:write` revoke one after a
 * confirmation (its link stops working); others see the list without any action.
 */
import { useState } from 'react';
import { Button, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiRequestError, seg, useApi } from '../api/client';
import type { PendingInvitation } from '../api/types';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keys, useApiQuery } from '../api/queries';
import { ConfirmModal } from './confirm-modal';
import { ErrorState, Loading } from './states';

/** Who invited, for people: an operator's or member's email, or "CLI". */
export function inviterName(actor: string): string {
  if (actor === 'cli') return 'CLI';
  const [kind, ...rest] = actor.split(':');
  const who = rest.join(':');
  if (kind === 'admin') return `${who} (operator)`;
  return kind === 'member' ? who : actor;
}

const WHEN: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

/** Props of {@link PendingInvitations}. */
export interface PendingInvitationsProps {
  env: string;
  /** The caller has `members:write`: a Revoke button per invitation. */
  canManage: boolean;
  /** Called with the id of an invitation just revoked. */
  onRevoked?: (id: string) => void;
}

/** The pending invitations of `env`. */
export function PendingInvitations({ env, canManage, onRevoked }: PendingInvitationsProps) {
  const { api } = useApi();
  const list = useApiQuery<{ items: PendingInvitation[] }>(
    keys.invitations(env),
    `/environments/${seg(env)}/invitations`,
  );
  const queryClient = useQueryClient();
  const reload = () => void queryClient.invalidateQueries({ queryKey: keys.invitations(env) });
  const [revoking, setRevoking] = useState<PendingInvitation | undefined>();
  const items = list.data?.items ?? [];

  // Revoked, or gone meanwhile (accepted, revoked or expired elsewhere): the list reads again.
  const revocation = useMutation({
    mutationFn: (id: string) => api('DELETE', `/environments/${seg(env)}/invitations/${seg(id)}`),
    onSettled: reload,
  });
  const revoke = async (inv: PendingInvitation) => {
    try {
      await revocation.mutateAsync(inv.id);
    } catch (err) {
      if (!(err instanceof ApiRequestError && err.status === 404)) throw err;
      throw new Error(`The invitation of ${inv.email} was accepted, revoked or expired meanwhile.`);
    }
    notifications.show({ color: 'teal', title: 'Invitation revoked', message: `${inv.email} can no longer join.` });
    onRevoked?.(inv.id);
  };

  return (
    <Stack gap="xs" component="section" aria-labelledby="pending-invitations-title">
      <Title order={2} size="h4" id="pending-invitations-title">
        Pending invitations
      </Title>
      {list.loading && !list.data && <Loading label="Loading invitations" />}
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.data && items.length === 0 && (
        <Text c="dimmed" size="sm" data-testid="no-pending-invitations">
          No pending invitations: every link was used, revoked or has expired.
        </Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={canManage ? 620 : 520}>
          <Table striped verticalSpacing="sm" aria-label="Pending invitations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Invited by</Table.Th>
                {canManage && <Table.Th>Actions</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((inv) => (
                <Table.Tr key={inv.id}>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{inv.email}</Table.Td>
                  <Table.Td>{inv.role}</Table.Td>
                  <Table.Td>
                    <time dateTime={inv.expires_at}>{new Date(inv.expires_at).toLocaleString(undefined, WHEN)}</time>
                  </Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{inviterName(inv.invited_by)}</Table.Td>
                  {canManage && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        aria-label={`Revoke the invitation of ${inv.email}`}
                        onClick={() => setRevoking(inv)}
                      >
                        Revoke
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {revoking && (
        <ConfirmModal
          title="Revoke this invitation?"
          confirmLabel="Revoke invitation"
          onClose={() => setRevoking(undefined)}
          onConfirm={() => revoke(revoking)}
        >
          <Text size="sm">
            The link sent to <strong>{revoking.email}</strong> ({revoking.role}) stops working at once. You can invite
            this email again later.
          </Text>
        </ConfirmModal>
      )}
    </Stack>
  );
}
