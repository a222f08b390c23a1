/** "Create environment": slug and name (`POST /api/v1/environments`). */
import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { api, describeError } from '../api/client';
import type { Environment } from '../api/types';

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** The dialog; `onCreated` gets the new environment. */
export function CreateEnvironmentModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (env: Environment) => void }) {
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const slugError = slug && !SLUG.test(slug) ? 'Lower-case letters, digits and dashes; 2 to 63 characters' : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const env = await api<Environment>('POST', '/environments', { slug, ...(name.trim() && { name: name.trim() }) });
      notifications.show({ color: 'teal', title: 'Environment created', message: env.name });
      setSlug('');
      setName('');
      onCreated(env);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Create environment">
      <form onSubmit={submit}>
        <Stack>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput label="Slug" description="Used in URLs and tokens; it never changes" required value={slug} error={slugError} onChange={(e) => setSlug(e.currentTarget.value.trim())} data-autofocus />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!SLUG.test(slug)}>
              Create environment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
