/**
 * The Members tab: who belongs to the environment with which role; owners (and operators) invite
 * by email and role — the single-use link is shown once, with a copy button — change roles and
 * remove members; under the members, the pending invitations (revoked by owners). Others see both
 * lists read-only.
 */
import { useState } from 'react';
import { useForm } from '@mantine/form';
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconSend, IconTrash } from '@tabler/icons-react';
import { describeError, seg, useApi } from '../api/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keys, useApiQuery } from '../api/queries';
import { useCan } from '../capabilities';
import { CopyField } from './copy-field';
import { PendingInvitations } from './pending-invitations';
import { serverFieldError } from './server-field-error';
import { Empty, ErrorState, Loading } from './states';

/** A member as the API lists it. */
interface Member {
  account_id: string;
  email: string;
  role: string;
  created_at: string;
}

const ROLES = [
  { value: 'owner', label: 'Owner — everything, including members' },
  { value: 'admin', label: 'Admin — everything but members' },
  { value: 'developer', label: 'Developer — content integrations, rotate secrets' },
  { value: 'viewer', label: 'Viewer — read only' },
];
const SHORT = ROLES.map((r) => ({ value: r.value, label: r.value[0]!.toUpperCase() + r.value.slice(1) }));

/** The Members tab of `env`. */
export function MembersTab({ env }: { env: string }) {
  const { api } = useApi();
  const members = useApiQuery<{ items: Member[] }>(keys.members(env), `/environments/${seg(env)}/members`);
  const queryClient = useQueryClient();
  /** A member changed: the list, and the caller's own capabilities (the member may be the caller). */
  const membersChanged = () => {
    void queryClient.invalidateQueries({ queryKey: keys.members(env) });
    void queryClient.invalidateQueries({ queryKey: keys.capabilities(env) });
  };
  const owners = members.data?.items.filter((m) => m.role === 'owner').length ?? 0;
  const canManage = useCan('members:write');
  const form = useForm<{ email: string; role: string | null }>({
    mode: 'controlled',
    initialValues: { email: '', role: 'developer' },
  });
  const [link, setLink] = useState<{ id: string; link: string }>();
  const invitation = useMutation({
    mutationFn: (v: { email: string; role: string | null }) =>
      api<{ id: string; link: string }>('POST', `/environments/${seg(env)}/invitations`, v),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.invitations(env) }),
  });
  const busy = invitation.isPending;
  // A role changed or a member removed, or refused (another tab may have changed it): the list reads again.
  const roleChange = useMutation({
    mutationFn: ({ m, role }: { m: Member; role: string }) =>
      api('PATCH', `/environments/${seg(env)}/members/${seg(m.account_id)}`, { role }),
    onSettled: membersChanged,
  });
  const removal = useMutation({
    mutationFn: (m: Member) => api('DELETE', `/environments/${seg(env)}/members/${seg(m.account_id)}`),
    onSettled: membersChanged,
  });

  const invite = async (v: typeof form.values) => {
    try {
      const created = await invitation.mutateAsync(v);
      setLink({ id: created.id, link: created.link });
      form.setFieldValue('email', '');
    } catch (err) {
      // A field the server refuses shows its sentence under that field.
      const field = serverFieldError(err, ['email', 'role']);
      if (field) form.setFieldError(field.field, field.message);
      notifications.show({ color: 'red', title: 'Invitation failed', message: describeError(err) });
    }
  };
  const change = async (m: Member, next: string | null) => {
    if (!next || next === m.role) return;
    try {
      await roleChange.mutateAsync({ m, role: next });
      notifications.show({ color: 'teal', message: `${m.email} is now ${next}.` });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Role not changed', message: describeError(err) });
    }
  };
  const remove = async (m: Member) => {
    if (!window.confirm(`Remove ${m.email} from ${env}?`)) return;
    try {
      await removal.mutateAsync(m);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not removed', message: describeError(err) });
    }
  };

  return (
    <Stack>
      {canManage ? (
        <form onSubmit={form.onSubmit((v) => void invite(v))} aria-label="Invite a member">
          <Title order={2} size="h4" mb="xs">
            Invite a member
          </Title>
          <Group align="end" wrap="wrap">
            <TextInput label="Email" type="email" required {...form.getInputProps('email')} w={260} />
            <Select
              label="Role"
              data={ROLES}
              {...form.getInputProps('role')}
              allowDeselect={false}
              w={330}
              comboboxProps={{ withinPortal: true }}
            />
            <Button type="submit" loading={busy} leftSection={<IconSend size={16} aria-hidden />}>
              Create invitation link
            </Button>
          </Group>
        </form>
      ) : (
        <Text c="dimmed" size="sm" data-testid="members-read-only">
          Only owners of this environment invite members and change roles.
        </Text>
      )}
      {link && (
        <Alert
          color="yellow"
          icon={<IconAlertTriangle aria-hidden />}
          title="Copy the invitation link now"
          role="region"
          aria-label="New invitation link"
        >
          <Stack gap="sm">
            <span>It is shown this once, works once and expires. Send it to the invitee yourself.</span>
            <CopyField label="Invitation link" value={link.link} />
          </Stack>
        </Alert>
      )}
      {members.loading && !members.data && <Loading label="Loading members" />}
      {members.error !== undefined && <ErrorState error={members.error} onRetry={members.reload} />}
      {members.data && members.data.items.length === 0 && (
        <Empty title="No members yet" description="Operators manage this environment; invite its owners." />
      )}
      {members.data && members.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={340}>
          <Table striped verticalSpacing="sm" aria-label="Members">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                {canManage && (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.data.items.map((m) => {
                // The server refuses to demote or remove the last owner (409): don't offer it.
                const lastOwner = m.role === 'owner' && owners === 1;
                return (
                  <Table.Tr key={m.account_id}>
                    <Table.Td style={{ wordBreak: 'break-all' }}>{m.email}</Table.Td>
                    <Table.Td>
                      {canManage ? (
                        <Select
                          aria-label={`Role of ${m.email}`}
                          data={SHORT}
                          value={m.role}
                          onChange={(v) => void change(m, v)}
                          allowDeselect={false}
                          disabled={lastOwner}
                          w={140}
                        />
                      ) : (
                        <Text size="sm">{m.role}</Text>
                      )}
                    </Table.Td>
                    {canManage && (
                      <Table.Td ta="right">
                        {lastOwner ? (
                          <Tooltip
                            label="The last owner can't be demoted or removed: make another member owner first"
                            withArrow
                            multiline
                            w={240}
                          >
                            <Text size="sm" c="dimmed" data-testid="last-owner-note">
                              Last owner
                            </Text>
                          </Tooltip>
                        ) : (
                          <Tooltip label={`Remove ${m.email}`} withArrow>
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={`Remove ${m.email}`}
                              onClick={() => void remove(m)}
                            >
                              <IconTrash size={18} aria-hidden />
                            </ActionIcon>
                          </Tooltip>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <PendingInvitations
        env={env}
        canManage={canManage}
        // The link shown above stops working when its invitation is revoked: don't offer it any more.
        onRevoked={(id) => setLink((shown) => (shown?.id === id ? undefined : shown))}
      />
    </Stack>
  );
}
