/** Sign in with an administrator's email and password (`POST /api/v1/session`). */
import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title, Text } from '@mantine/core';
import { IconAlertCircle, IconLock } from '@tabler/icons-react';
import { api, ApiRequestError, describeError } from '../api/client';
import type { SessionInfo } from '../api/types';

/** The sign-in form; `onSignedIn` gets the new session. */
export function SignInPage({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api<SessionInfo>('POST', '/session', { email, password }));
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 401) setError('Wrong email or password.');
      else if (err instanceof ApiRequestError && err.status === 429) setError('Too many failed attempts. Try again in a few minutes.');
      else setError(describeError(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper component="main" withBorder shadow="sm" p="xl" radius="md" w="100%" maw={400}>
        <form onSubmit={submit} aria-label="Sign in">
          <Stack>
            <div>
              <Title order={1} size="h2">
                Gatehouse
              </Title>
              <Text c="dimmed" size="sm">
                Sign in to manage environments and integrations.
              </Text>
            </div>
            {error && (
              <Alert color="red" icon={<IconAlertCircle aria-hidden />} role="alert">
                {error}
              </Alert>
            )}
            <TextInput label="Email" type="email" autoComplete="username" required withAsterisk={false} value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus autoFocus />
            <PasswordInput label="Password" autoComplete="current-password" required withAsterisk={false} value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <Button type="submit" loading={busy} leftSection={<IconLock size={16} aria-hidden />}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
