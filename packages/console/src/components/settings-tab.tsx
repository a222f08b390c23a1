/**
 * Environment settings: name, token lifetime and refresh-before (seconds), "Save"; and whether
 * members must have TOTP (`PUT …/require-totp`, saved on toggle), which only an owner or an operator
 * (`members:write`) may change.
 */
import { useState } from 'react';
import { useForm } from '@mantine/form';
import { Button, Card, Group, NumberInput, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { describeError, seg, useApi } from '../api/client';
import { keys } from '../api/queries';
import type { Environment, EnvironmentUpdate } from '../api/types';
import { SavedNote } from './saved-note';
import { serverFieldError } from './server-field-error';
import { useCan } from '../capabilities';

/** The "Require two-factor authentication" switch; `onSaved` gets the environment as changed. */
function RequireTotpSetting({
  environment: env,
  onSaved,
}: {
  environment: Environment;
  onSaved: (e: Environment) => void;
}) {
  const { api } = useApi();
  const can = useCan('members:write');
  const queryClient = useQueryClient();
  const [savedAt, setSavedAt] = useState<Date | undefined>();
  const requirement = useMutation({
    mutationFn: (required: boolean) => api('PUT', `/environments/${seg(env.slug)}/require-totp`, { required }),
    onSuccess: (_, required) => {
      onSaved({ ...env, require_totp: required });
      // Whether the caller must set up TOTP may follow from it.
      return queryClient.invalidateQueries({ queryKey: keys.profile });
    },
  });
  const busy = requirement.isPending;
  const save = async (required: boolean) => {
    try {
      await requirement.mutateAsync(required);
      setSavedAt(new Date());
    } catch (err) {
      notifications.show({ color: 'red', title: 'Setting not saved', message: describeError(err) });
    }
  };
  return (
    <Card withBorder maw={480}>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Two-factor authentication
        </Title>
        <Switch
          label="Require two-factor authentication of members"
          description="Members who sign in with a password must set up an authenticator app (TOTP) before they can act here; you too, if you have none yet. Single sign-on sessions and operators are not affected."
          checked={env.require_totp}
          disabled={busy || !can}
          onChange={(e) => void save(e.currentTarget.checked)}
        />
        {!can && (
          <Text size="sm" c="dimmed" data-testid="require-totp-reason">
            Only an owner of this environment or an operator can change this.
          </Text>
        )}
        <SavedNote
          savedAt={savedAt}
          detail={env.require_totp ? 'members without TOTP are asked to set it up' : undefined}
        />
      </Stack>
    </Card>
  );
}

/** The settings form; `onSaved` gets the changed environment. */
export function SettingsTab({
  environment: env,
  onSaved,
}: {
  environment: Environment;
  onSaved: (e: Environment) => void;
}) {
  const { api } = useApi();
  const form = useForm<{ name: string; token_lifetime: number | string; refresh_before: number | string }>({
    mode: 'controlled',
    initialValues: { name: env.name, token_lifetime: env.token_lifetime, refresh_before: env.refresh_before },
  });
  const { name, token_lifetime: lifetime, refresh_before: refresh } = form.values;
  const settings = useMutation({
    mutationFn: (patch: EnvironmentUpdate) => api<Environment>('PATCH', `/environments/${seg(env.slug)}`, patch),
    onSuccess: onSaved,
  });
  const busy = settings.isPending;
  const [savedAt, setSavedAt] = useState<Date | undefined>();
  const dirty = name !== env.name || Number(lifetime) !== env.token_lifetime || Number(refresh) !== env.refresh_before;
  const reuseOff = Number(refresh) >= Number(lifetime);

  const submit = async (v: typeof form.values) => {
    try {
      await settings.mutateAsync({
        name: v.name.trim(),
        token_lifetime: Number(v.token_lifetime),
        refresh_before: Number(v.refresh_before),
      });
      setSavedAt(new Date());
      notifications.show({ color: 'teal', title: 'Settings saved', message: 'New tokens follow them.' });
    } catch (err) {
      // A field the server refuses shows its sentence under that field.
      const field = serverFieldError(err, ['name', 'token_lifetime', 'refresh_before']);
      if (field) form.setFieldError(field.field, field.message);
      notifications.show({ color: 'red', title: 'Settings not saved', message: describeError(err) });
    }
  };

  return (
    <Stack>
      <form onSubmit={form.onSubmit((v) => void submit(v))} aria-label="Settings">
        <Stack maw={480}>
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <NumberInput
            label="Token lifetime"
            description="Seconds an access token is valid (60 to 31536000)"
            min={60}
            max={31_536_000}
            allowDecimal={false}
            required
            {...form.getInputProps('token_lifetime')}
            suffix=" s"
          />
          <NumberInput
            label="Refresh before"
            description={
              reuseOff
                ? 'At least the lifetime: every request mints a new token (reuse off)'
                : 'Seconds before expiry at which the token endpoint stops handing out the same token'
            }
            min={0}
            max={31_536_000}
            allowDecimal={false}
            required
            {...form.getInputProps('refresh_before')}
            suffix=" s"
          />
          <Group>
            <Button type="submit" loading={busy}>
              Save
            </Button>
            <SavedNote savedAt={dirty ? undefined : savedAt} detail="new tokens follow them" />
          </Group>
        </Stack>
      </form>
      <RequireTotpSetting environment={env} onSaved={onSaved} />
    </Stack>
  );
}
