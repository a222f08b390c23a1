/**
 * The signed-in account: change the password (`POST /api/v1/profile/password`), set up TOTP
 * (QR code + secret, confirmed by a code; recovery codes shown once), new recovery codes, and
 * turn TOTP off (`/api/v1/profile/totp…`).
 */
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useForm } from '@mantine/form';
import { IconAlertCircle, IconCheck, IconCopy, IconDownload } from '@tabler/icons-react';
import QRCode from 'qrcode';
import { describeError, useApi } from '../api/client';
import type { Profile } from '../api/types';
import { keys, useApiQuery } from '../api/queries';
import { serverFieldError } from '../components/server-field-error';
import { ErrorState, Loading } from '../components/states';

/** Renders an `otpauth://` URI as a QR code on a canvas (no inline image: the CSP allows none). */
function QrCanvas({ value }: { value: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (ref.current) void QRCode.toCanvas(ref.current, value, { width: 200, margin: 2 });
  }, [value]);
  return <canvas ref={ref} role="img" aria-label="QR code for your authenticator app" />;
}

/** Saves `text` as a file named `name` (a download of a blob URL: no request, no inline content). */
function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function RecoveryCodes({ email, codes, onDone }: { email: string; codes: string[]; onDone: () => void }) {
  const text = `Gatehouse recovery codes for ${email}\nEach code signs you in once.\n\n${codes.join('\n')}\n`;
  return (
    <Stack>
      <Alert color="yellow" title="Save your recovery codes now">
        Each code signs you in once if you lose your authenticator. They are not shown again.
      </Alert>
      <Group gap="xs" role="group" aria-label="Recovery codes">
        {codes.map((c) => (
          <Code key={c} fz="md">
            {c}
          </Code>
        ))}
      </Group>
      <Group gap="sm">
        <CopyButton value={codes.join('\n')} timeout={1500}>
          {({ copied, copy }) => (
            <Button
              variant="default"
              leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
              onClick={copy}
            >
              {copied ? 'Copied' : 'Copy codes'}
            </Button>
          )}
        </CopyButton>
        <Button
          variant="default"
          leftSection={<IconDownload size={16} aria-hidden />}
          onClick={() => download('gatehouse-recovery-codes.txt', text)}
        >
          Download
        </Button>
      </Group>
      <Button onClick={onDone}>I saved them</Button>
    </Stack>
  );
}

function PasswordCard() {
  const { api } = useApi();
  const form = useForm({ mode: 'controlled', initialValues: { current_password: '', new_password: '' } });
  const [error, setError] = useState<string>();
  const change = useMutation({ mutationFn: (values: typeof form.values) => api('POST', '/profile/password', values) });
  const busy = change.isPending;
  const submit = async (values: typeof form.values) => {
    setError(undefined);
    try {
      await change.mutateAsync(values);
      notifications.show({
        color: 'green',
        title: 'Password changed',
        message: 'Your other sessions were signed out.',
      });
      form.reset();
    } catch (err) {
      // A field the server refuses shows its sentence under that field.
      const field = serverFieldError(err, ['current_password', 'new_password']);
      if (field) form.setFieldError(field.field, field.message);
      else setError(describeError(err));
    }
  };
  return (
    <Paper withBorder p="md" radius="md">
      <form onSubmit={form.onSubmit((values) => void submit(values))} aria-label="Change password">
        <Stack>
          <Title order={2} size="h4">
            Password
          </Title>
          {error && (
            <Alert color="red" icon={<IconAlertCircle aria-hidden />} role="alert">
              {error}
            </Alert>
          )}
          <PasswordInput
            label="Current password"
            autoComplete="current-password"
            required
            withAsterisk={false}
            {...form.getInputProps('current_password')}
          />
          <PasswordInput
            label="New password"
            description="At least 12 characters, hard to guess"
            autoComplete="new-password"
            required
            withAsterisk={false}
            {...form.getInputProps('new_password')}
          />
          <Group>
            <Button type="submit" loading={busy}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** Who requires the second factor: the environments named (by slug), else the server. */
function requiredBy(environments: string[]): string {
  if (!environments.length) return 'This server requires two-factor authentication.';
  const many = environments.length > 1;
  return `${many ? 'Environments' : 'Environment'} ${environments.join(', ')} ${many ? 'require' : 'requires'} two-factor authentication of ${many ? 'their' : 'its'} members.`;
}

function TotpCard({ profile }: { profile: Profile }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauth_uri: string }>();
  const [codes, setCodes] = useState<string[]>();
  // The account's password, asked before its second factor changes (ASVS 5.0 7.5.1).
  const form = useForm({ mode: 'controlled', initialValues: { code: '', password: '' } });
  const { code, password } = form.values;
  const [error, setError] = useState<string>();
  /** The profile (TOTP on or off, recovery codes left) reads again. */
  const profileChanged = () => queryClient.invalidateQueries({ queryKey: keys.profile });
  const enrol = useMutation({
    mutationFn: (body: object) => api<{ secret: string; otpauth_uri: string }>('POST', '/profile/totp', body),
  });
  const confirmation = useMutation({
    mutationFn: (c: string) => api<{ recovery_codes: string[] }>('POST', '/profile/totp/confirm', { code: c }),
    // TOTP is on now: the badge (and the rest of the profile) says so while the codes show.
    onSuccess: profileChanged,
  });
  const disabling = useMutation({
    mutationFn: (body: object) => api('POST', '/profile/totp/disable', body),
    onSuccess: profileChanged,
  });
  const regeneration = useMutation({
    mutationFn: (c: string) => api<{ recovery_codes: string[] }>('POST', '/profile/recovery-codes', { code: c }),
    onSuccess: profileChanged,
  });
  const busy = enrol.isPending || confirmation.isPending || disabling.isPending || regeneration.isPending;
  const withPassword = () => (profile.has_password ? { password } : {});
  const run = async (fn: () => Promise<void>) => {
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(describeError(err));
    } finally {
      form.reset();
    }
  };
  const start = () => run(async () => setEnrolment(await enrol.mutateAsync(withPassword())));
  const confirm = () =>
    void run(async () => {
      const res = await confirmation.mutateAsync(code.trim());
      setEnrolment(undefined);
      setCodes(res.recovery_codes);
    });
  const disable = () => {
    // Enter in the code field submits the form; while TOTP is required there is nothing to turn off.
    if (!profile.totp_can_turn_off) return;
    void run(async () => {
      await disabling.mutateAsync({ code: code.trim(), ...withPassword() });
      notifications.show({
        color: 'green',
        title: 'Two-factor authentication turned off',
        message: 'Your password alone signs you in now.',
      });
    });
  };
  const regenerate = () => run(async () => setCodes((await regeneration.mutateAsync(code.trim())).recovery_codes));

  return (
    <Paper withBorder p="md" radius="md">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Two-factor authentication
          </Title>
          <Badge color={profile.totp.enabled ? 'green' : 'gray'} variant="light">
            {profile.totp.enabled ? 'On' : 'Off'}
          </Badge>
        </Group>
        {profile.totp_required && (
          <Alert color="yellow" role="status" data-testid="totp-required-note">
            {requiredBy(profile.totp_required_environments)} Set it up to continue.
          </Alert>
        )}
        {error && (
          <Alert color="red" icon={<IconAlertCircle aria-hidden />} role="alert">
            {error}
          </Alert>
        )}
        {codes ? (
          <RecoveryCodes email={profile.email} codes={codes} onDone={() => setCodes(undefined)} />
        ) : enrolment ? (
          <form onSubmit={form.onSubmit(confirm)} aria-label="Confirm authenticator">
            <Stack>
              <Text size="sm">
                Scan the QR code with an authenticator app, or type the secret in. Then enter the 6-digit code it shows.
              </Text>
              <Group align="flex-start">
                <QrCanvas value={enrolment.otpauth_uri} />
                <Stack gap={4}>
                  <Text size="sm" fw={600}>
                    Secret
                  </Text>
                  <Code aria-label="TOTP secret" style={{ wordBreak: 'break-all' }}>
                    {enrolment.secret}
                  </Code>
                </Stack>
              </Group>
              <TextInput
                label="Code from the app"
                autoComplete="one-time-code"
                required
                withAsterisk={false}
                maxLength={6}
                {...form.getInputProps('code')}
              />
              <Group>
                <Button type="submit" loading={busy}>
                  Turn on
                </Button>
                <Button variant="default" onClick={() => setEnrolment(undefined)}>
                  Cancel
                </Button>
              </Group>
            </Stack>
          </form>
        ) : profile.totp.enabled ? (
          <form onSubmit={form.onSubmit(disable)} aria-label="Manage two-factor authentication">
            <Stack>
              <Text size="sm">
                {profile.totp.recovery_codes_left} recovery codes left. A current code from your app (or a recovery
                code) is needed to make changes.
              </Text>
              <TextInput
                label="Current code"
                autoComplete="one-time-code"
                required
                withAsterisk={false}
                maxLength={32}
                {...form.getInputProps('code')}
              />
              {profile.has_password && profile.totp_can_turn_off && (
                <PasswordInput
                  label="Account password"
                  description="Needed to turn two-factor authentication off"
                  autoComplete="current-password"
                  {...form.getInputProps('password')}
                />
              )}
              <Group>
                <Button variant="default" loading={busy} onClick={() => void regenerate()} disabled={!code.trim()}>
                  New recovery codes
                </Button>
                {profile.totp_can_turn_off && (
                  <Button type="submit" color="red" variant="outline" loading={busy}>
                    Turn off
                  </Button>
                )}
              </Group>
              {!profile.totp_can_turn_off && (
                <Text size="sm" c="dimmed" data-testid="totp-kept-note">
                  {requiredBy(profile.totp_required_environments)} It can't be turned off.
                </Text>
              )}
            </Stack>
          </form>
        ) : (
          <Stack>
            <Text size="sm">Ask for a code from an authenticator app after your password.</Text>
            {profile.has_password && (
              <PasswordInput
                label="Account password"
                description="Confirm it's you before setting up two-factor authentication"
                autoComplete="current-password"
                {...form.getInputProps('password')}
              />
            )}
            <Group>
              <Button onClick={() => void start()} loading={busy}>
                Set up two-factor authentication
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** The profile page. */
export function ProfilePage() {
  const { data, error, reload } = useApiQuery<Profile>(keys.profile, '/profile');
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading label="Loading your profile" />;
  return (
    <Stack maw={640}>
      <div>
        <Title order={1} size="h2">
          Your profile
        </Title>
        <Text size="sm" c="dark.6">
          {data.email} · signed in{' '}
          {data.auth_method === 'sso'
            ? 'with single sign-on'
            : data.auth_method === 'password+totp'
              ? 'with password and code'
              : 'with password'}
        </Text>
      </div>
      {data.auth_method !== 'sso' || data.totp.enabled || data.totp_required ? <TotpCard profile={data} /> : null}
      <PasswordCard />
    </Stack>
  );
}
