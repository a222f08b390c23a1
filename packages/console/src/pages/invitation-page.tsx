/**
 * The page an invitation link opens (`/console/invitations/{token}`): set a password (or give the
 * existing account's), then `POST /api/v1/invitations/accept` signs in and opens the console. An
 * existing account with TOTP is asked for its code (`POST /api/v1/session/totp`), which completes
 * the acceptance.
 */
import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertCircle, IconUserCheck } from '@tabler/icons-react';
import { api, ApiRequestError, describeError } from '../api/client';
import type { SecondFactorNeeded, SessionInfo } from '../api/types';

/** The invitation acceptance form; `onSignedIn` gets the new session. */
export function InvitationPage({ token, onSignedIn }: { token: string; onSignedIn: (s: SessionInfo) => void }) {
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<string | undefined>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (challenge) {
        onSignedIn(await api<SessionInfo>('POST', '/session/totp', { challenge, code: code.trim() }));
        return;
      }
      const res = await api<SessionInfo | SecondFactorNeeded>('POST', '/invitations/accept', { token, password });
      if ('challenge' in res) setChallenge(res.challenge);
      else onSignedIn(res);
    } catch (err) {
      if (err instanceof ApiRequestError && err.code === 'invalid_code') setError('Wrong or already used code.');
      else if (err instanceof ApiRequestError && err.code === 'invalid_challenge') {
        setChallenge(undefined);
        setError('That took too long. Enter your password again.');
      } else if (err instanceof ApiRequestError && err.code === 'invalid_invitation')
        setError('This invitation link was revoked, already used or has expired. Ask for a new one.');
      else if (err instanceof ApiRequestError && err.status === 429)
        setError('Too many attempts. Try again in a few minutes.');
      else setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper component="main" withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={submit} aria-label="Accept invitation">
          <Stack>
            <div>
              <Title order={1} size="h2">
                Join Gatehouse
              </Title>
              <Text c="dimmed" size="sm">
                Choose a password of at least 12 characters to accept the invitation. If you already have an account,
                enter its password.
              </Text>
            </div>
            {error && (
              <Alert color="red" icon={<IconAlertCircle aria-hidden />} role="alert">
                {error}
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
                value={code}
                onChange={(e) => setCode(e.currentTarget.value)}
                autoFocus
              />
            ) : (
              <PasswordInput
                label="Password"
                autoComplete="new-password"
                required
                withAsterisk={false}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                autoFocus
              />
            )}
            <Button type="submit" loading={busy} leftSection={<IconUserCheck size={16} aria-hidden />}>
              Accept and sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
