/**
 * The page an invitation link opens (`/console/invitations/{token}`): it says who is invited to
 * which environment with which role (`POST /api/v1/invitations/preview`); then set a password (or
 * give the existing account's), and `POST /api/v1/invitations/accept` signs in and opens the
 * console. An existing account with TOTP is asked for its code (`POST /api/v1/session/totp`),
 * which completes the acceptance.
 */
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useForm } from '@mantine/form';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle, IconUserCheck } from '@tabler/icons-react';
import { ApiRequestError, describeError, useApi } from '../api/client';
import type { InvitationPreview, SecondFactorNeeded, SessionInfo } from '../api/types';
import { Loading } from '../components/states';

/** What a refused call means to someone opening an invitation link. */
function explain(err: unknown): string {
  if (err instanceof ApiRequestError && err.code === 'invalid_code') return 'Wrong or already used code.';
  if (err instanceof ApiRequestError && err.code === 'invalid_challenge')
    return 'That took too long. Enter your password again.';
  if (err instanceof ApiRequestError && err.code === 'invalid_invitation')
    return 'This invitation link was revoked, already used or has expired. Ask for a new one.';
  if (err instanceof ApiRequestError && err.status === 429) return 'Too many attempts. Try again in a few minutes.';
  return describeError(err);
}

const ROLE: Record<string, string> = {
  owner: 'Owner',
  admin: 'Admin',
  developer: 'Developer',
  viewer: 'Viewer',
};

/** Who, where, as what: the invitation's facts. */
function InvitationFacts({ preview }: { preview: InvitationPreview }) {
  return (
    <Table variant="vertical" withTableBorder aria-label="Invitation" data-testid="invitation-facts">
      <Table.Tbody>
        <Table.Tr>
          <Table.Th w={120}>Environment</Table.Th>
          <Table.Td>
            {preview.environment.name}{' '}
            <Text span size="xs" c="dimmed">
              ({preview.environment.slug})
            </Text>
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>Role</Table.Th>
          <Table.Td>{ROLE[preview.role] ?? preview.role}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>Email</Table.Th>
          <Table.Td style={{ overflowWrap: 'anywhere' }}>{preview.email}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th>Expires</Table.Th>
          <Table.Td>{new Date(preview.expires_at).toLocaleString()}</Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

/** The invitation acceptance form; `onSignedIn` gets the new session. */
export function InvitationPage({ token, onSignedIn }: { token: string; onSignedIn: (s: SessionInfo) => void }) {
  const { api } = useApi();
  const preview = useQuery({
    queryKey: ['invitation-preview', token],
    queryFn: () => api<InvitationPreview>('POST', '/invitations/preview', { token }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const form = useForm({ mode: 'controlled', initialValues: { password: '', code: '' } });
  const [challenge, setChallenge] = useState<string | undefined>();
  const accept = useMutation({
    mutationFn: async (values: { password: string; code: string }) => {
      if (challenge) return api<SessionInfo>('POST', '/session/totp', { challenge, code: values.code.trim() });
      return api<SessionInfo | SecondFactorNeeded>('POST', '/invitations/accept', { token, password: values.password });
    },
    onSuccess: (res) => {
      if ('challenge' in res) setChallenge(res.challenge);
      else onSignedIn(res);
    },
    onError: (err) => {
      if (err instanceof ApiRequestError && err.code === 'invalid_challenge') setChallenge(undefined);
    },
  });
  // An acceptance's error, else the preview's (a revoked or used link says so before any password).
  const error: unknown = accept.error ?? preview.error ?? undefined;
  const existing = preview.data?.account_exists;

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper component="main" withBorder shadow="sm" p="xl" radius="md" w="100%" maw={460}>
        <form onSubmit={form.onSubmit((v) => accept.mutate(v))} aria-label="Accept invitation">
          <Stack>
            <div>
              <Title order={1} size="h2">
                {preview.data ? `Join ${preview.data.environment.name}` : 'Join Gatehouse'}
              </Title>
              <Text c="dimmed" size="sm">
                {existing
                  ? 'An account with this email exists: enter its password to accept the invitation.'
                  : existing === false
                    ? 'Choose a password of at least 12 characters to accept the invitation.'
                    : 'Choose a password of at least 12 characters to accept the invitation. If you already have an account, enter its password.'}
              </Text>
            </div>
            {preview.isPending && <Loading label="Loading the invitation" />}
            {preview.data && <InvitationFacts preview={preview.data} />}
            {error !== undefined && (
              <Alert color="red" icon={<IconAlertCircle aria-hidden />} role="alert">
                {explain(error)}
              </Alert>
            )}
            {challenge ? (
              <TextInput
                label="Authentication code"
                description="From your authenticator app, or a recovery code"
                autoComplete="one-time-code"
                required
                withAsterisk={false}
                maxLength={32}
                {...form.getInputProps('code')}
                autoFocus
              />
            ) : (
              <PasswordInput
                label="Password"
                autoComplete={existing ? 'current-password' : 'new-password'}
                required
                withAsterisk={false}
                {...form.getInputProps('password')}
                autoFocus
              />
            )}
            <Button type="submit" loading={accept.isPending} leftSection={<IconUserCheck size={16} aria-hidden />}>
              Accept and sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
