/** Environment settings: name, token lifetime and refresh-before (seconds), "Save". */
import { useState, type FormEvent } from 'react';
import { Button, Group, NumberInput, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { api, describeError, seg } from '../api/client';
import type { Environment, EnvironmentUpdate } from '../api/types';
import { SavedNote } from './saved-note';

/** The settings form; `onSaved` gets the changed environment. */
export function SettingsTab({
  environment: env,
  onSaved,
}: {
  environment: Environment;
  onSaved: (e: Environment) => void;
}) {
  const [name, setName] = useState(env.name);
  const [lifetime, setLifetime] = useState<number | string>(env.token_lifetime);
  const [refresh, setRefresh] = useState<number | string>(env.refresh_before);
  const [busy, setBusy] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | undefined>();
  const dirty = name !== env.name || Number(lifetime) !== env.token_lifetime || Number(refresh) !== env.refresh_before;
  const reuseOff = Number(refresh) >= Number(lifetime);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const patch: EnvironmentUpdate = {
        name: name.trim(),
        token_lifetime: Number(lifetime),
        refresh_before: Number(refresh),
      };
      onSaved(await api<Environment>('PATCH', `/environments/${seg(env.slug)}`, patch));
      setSavedAt(new Date());
      notifications.show({ color: 'teal', title: 'Settings saved', message: 'New tokens follow them.' });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Settings not saved', message: describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label="Settings">
      <Stack maw={480}>
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <NumberInput
          label="Token lifetime"
          description="Seconds an access token is valid (60 to 31536000)"
          min={60}
          max={31_536_000}
          allowDecimal={false}
          required
          value={lifetime}
          onChange={setLifetime}
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
          value={refresh}
          onChange={setRefresh}
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
  );
}
