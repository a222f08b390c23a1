/**
 * Sign in: email and password (`POST /api/v1/session`), then a TOTP or recovery code when the
 * account has one (`POST /api/v1/session/totp`); or single sign-on (`/api/v1/session/sso`) when
 * the server offers it (`GET /api/v1/session/options`). An SSO refusal comes back as `?sso_error=`;
 * an SSO sign-in of an account with TOTP as `?second_factor=totp#challenge=…` (the code step).
 */
import { useEffect, useState } from 'react';
import { useForm } from '@mantine/form';
import { Alert, Button, Center, Divider, Paper, PasswordInput, Stack, TextInput, Title, Text } from '@mantine/core';
import { IconAlertCircle, IconKey, IconLock } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { ApiRequestError, describeError, useApi } from '../api/client';
import { keys } from '../api/queries';
import type { SecondFactorNeeded, SessionInfo, SignInOptions } from '../api/types';

const SSO_ERRORS: Record<string, string> = {
  no_account: 'Single sign-on worked, but no Gatehouse account has that email. Ask an operator for an invitation.',
  email_unverified: 'Your identity provider has not verified your email, so it cannot be used to sign in.',
  domain_not_allowed: 'Your email domain is not allowed to sign in here.',
  invalid_state: 'The single sign-on attempt expired or came from another browser. Try again.',
  provider_error: 'The identity provider refused the sign-in. Try again.',
  provider_unavailable: 'The identity provider cannot be reached right now. Try again later.',
  invalid_response: 'The identity provider answered something Gatehouse cannot trust. Try again.',
  too_many_attempts: 'Too many failed attempts for this account. Try again in a few minutes.',
};

/** The challenge of an SSO sign-in that needs the code step (`?second_factor=totp#challenge=…`). */
function ssoChallenge(): string | undefined {
  if (new URLSearchParams(window.location.search).get('second_factor') !== 'totp') return undefined;
  const value = new URLSearchParams(window.location.hash.slice(1)).get('challenge');
  return value || undefined;
}

/** The sign-in form; `onSignedIn` gets the new session. */
export function SignInPage({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  const { api } = useApi();
  const form = useForm({ mode: 'controlled', initialValues: { email: '', password: '', code: '' } });
  const [challenge, setChallenge] = useState<string | undefined>(ssoChallenge);
  // What the server offers; until it says (or if it can't), the password form.
  const options = useQuery({
    queryKey: keys.signInOptions,
    queryFn: () => api<SignInOptions>('GET', '/session/options'),
    staleTime: Infinity,
  }).data ?? { password: true, sso: null };
  const [error, setError] = useState<string | undefined>(() => {
    const reason = new URLSearchParams(window.location.search).get('sso_error');
    return reason ? (SSO_ERRORS[reason] ?? 'Single sign-on failed. Try again.') : undefined;
  });
  /** The password step: a session, or the code step's challenge. */
  const signIn = useMutation({
    mutationFn: (v: { email: string; password: string }) =>
      api<SessionInfo | SecondFactorNeeded>('POST', '/session', { email: v.email, password: v.password }),
  });
  /** The code step. */
  const verify = useMutation({
    mutationFn: (code: string) => api<SessionInfo>('POST', '/session/totp', { challenge, code }),
  });
  const busy = signIn.isPending || verify.isPending;

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    if (params.has('sso_error') || params.has('second_factor'))
      window.history.replaceState(null, '', window.location.pathname);
  }, []);

  const submit = async (v: typeof form.values) => {
    setError(undefined);
    try {
      const res = await signIn.mutateAsync(v);
      if ('challenge' in res) setChallenge(res.challenge);
      else onSignedIn(res);
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 401) setError('Wrong email or password.');
      else if (err instanceof ApiRequestError && err.status === 429)
        setError('Too many failed attempts. Try again in a few minutes.');
      else setError(describeError(err));
    } finally {
      form.setFieldValue('password', '');
    }
  };

  const submitCode = async (v: typeof form.values) => {
    setError(undefined);
    try {
      onSignedIn(await verify.mutateAsync(v.code.trim()));
    } catch (err) {
      if (err instanceof ApiRequestError && err.code === 'invalid_challenge') {
        setChallenge(undefined);
        setError('The sign-in took too long. Enter your password again.');
      } else if (err instanceof ApiRequestError && err.status === 401) setError('Wrong or already used code.');
      else if (err instanceof ApiRequestError && err.status === 429)
        setError('Too many wrong codes. Try again in a few minutes.');
      else setError(describeError(err));
      form.setFieldValue('code', '');
    }
  };

  const alert = error && (
    <Alert color="red" icon={<IconAlertCircle aria-hidden />} role="alert">
      {error}
    </Alert>
  );
  const heading = (
    <div>
      <Title order={1} size="h2">
        Gatehouse
      </Title>
      <Text c="dark.6" size="sm">
        {challenge
          ? 'Enter the 6-digit code from your authenticator app, or a recovery code.'
          : 'Sign in to manage environments and integrations.'}
      </Text>
    </div>
  );

  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Paper component="main" withBorder shadow="sm" p="xl" radius="md" w="100%" maw={400}>
        {challenge ? (
          <form onSubmit={form.onSubmit((v) => void submitCode(v))} aria-label="Second factor">
            <Stack>
              {heading}
              {alert}
              <TextInput
                label="Authentication code"
                autoComplete="one-time-code"
                inputMode="text"
                required
                withAsterisk={false}
                maxLength={32}
                {...form.getInputProps('code')}
                autoFocus
              />
              <Button type="submit" loading={busy} leftSection={<IconKey size={16} aria-hidden />}>
                Verify
              </Button>
              <Button variant="subtle" onClick={() => setChallenge(undefined)}>
                Start over
              </Button>
            </Stack>
          </form>
        ) : (
          <Stack>
            {heading}
            {alert}
            {options.password && (
              <form onSubmit={form.onSubmit((v) => void submit(v))} aria-label="Sign in">
                <Stack>
                  <TextInput
                    label="Email"
                    type="email"
                    autoComplete="username"
                    required
                    withAsterisk={false}
                    {...form.getInputProps('email')}
                    data-autofocus
                    autoFocus
                  />
                  <PasswordInput
                    label="Password"
                    autoComplete="current-password"
                    required
                    withAsterisk={false}
                    {...form.getInputProps('password')}
                  />
                  <Button type="submit" loading={busy} leftSection={<IconLock size={16} aria-hidden />}>
                    Sign in
                  </Button>
                </Stack>
              </form>
            )}
            {options.password && options.sso && <Divider label="or" labelPosition="center" />}
            {options.sso && (
              <Button component="a" href="/api/v1/session/sso" variant={options.password ? 'default' : 'filled'}>
                Sign in with {options.sso.name}
              </Button>
            )}
          </Stack>
        )}
      </Paper>
    </Center>
  );
}
