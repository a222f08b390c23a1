/**
 * "Create environment": a name, and a slug suggested from it (kebab-case, within the server's
 * rule) until the slug is edited by hand (`POST /api/v1/environments`).
 */
import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { describeError, useApi } from '../api/client';
import type { Environment } from '../api/types';
import { SLUG_MAX_LENGTH, SLUG_PATTERN, suggestSlug } from './slug';

/** The dialog; `onCreated` gets the new environment. */
export function CreateEnvironmentModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (env: Environment) => void;
}) {
  const { api } = useApi();
  const [slug, setSlug] = useState('');
  // Once the slug is typed in, the name no longer changes it.
  const [slugEdited, setSlugEdited] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const slugError =
    slug && !SLUG_PATTERN.test(slug)
      ? 'Lower-case letters, digits and dashes; 2 to 63 characters, starting with a letter or digit'
      : undefined;

  const reset = () => {
    setSlug('');
    setSlugEdited(false);
    setName('');
    setError(undefined);
  };
  const close = () => {
    reset();
    onClose();
  };
  const changeName = (value: string) => {
    setName(value);
    if (!slugEdited) setSlug(suggestSlug(value));
  };
  const changeSlug = (value: string) => {
    setSlug(value.trim().toLowerCase());
    setSlugEdited(value.trim() !== '');
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const env = await api<Environment>('POST', '/environments', { slug, ...(name.trim() && { name: name.trim() }) });
      notifications.show({ color: 'teal', title: 'Environment created', message: env.name });
      reset();
      onCreated(env);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={close} title="Create environment">
      <form onSubmit={submit}>
        <Stack>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput
            label="Name"
            description="How the console shows it, e.g. Staging (EU)"
            maxLength={200}
            value={name}
            onChange={(e) => changeName(e.currentTarget.value)}
            data-autofocus
          />
          <TextInput
            label="Slug"
            description={
              slugEdited
                ? 'Used in URLs and tokens; it never changes'
                : 'Suggested from the name; edit it if you like. Used in URLs and tokens; it never changes'
            }
            required
            maxLength={SLUG_MAX_LENGTH}
            value={slug}
            error={slugError}
            onChange={(e) => changeSlug(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!SLUG_PATTERN.test(slug)}>
              Create environment
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
