/**
 * "Create environment": a name, and a slug suggested from it (kebab-case, within the server's
 * rule) until the slug is edited by hand (`POST /api/v1/environments`). A field the server refuses
 * shows the server's sentence under it.
 */
import { useState } from 'react';
import { useForm } from '@mantine/form';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { describeError, useApi } from '../api/client';
import type { Environment } from '../api/types';
import { SLUG_MAX_LENGTH, SLUG_PATTERN, suggestSlug } from './slug';
import { serverFieldError } from './server-field-error';

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
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', slug: '' },
    validate: {
      slug: (v) =>
        v && !SLUG_PATTERN.test(v)
          ? 'Lower-case letters, digits and dashes; 2 to 63 characters, starting with a letter or digit'
          : null,
    },
    validateInputOnChange: true,
  });
  const { slug, name } = form.values;
  // Once the slug is typed in, the name no longer changes it.
  const [slugEdited, setSlugEdited] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const creation = useMutation({
    mutationFn: (body: { slug: string; name?: string }) => api<Environment>('POST', '/environments', body),
  });
  const busy = creation.isPending;

  const reset = () => {
    form.reset();
    setSlugEdited(false);
    setError(undefined);
  };
  const close = () => {
    reset();
    onClose();
  };
  const changeName = (value: string) => {
    form.setFieldValue('name', value);
    if (!slugEdited) form.setFieldValue('slug', suggestSlug(value));
  };
  const changeSlug = (value: string) => {
    form.setFieldValue('slug', value.trim().toLowerCase());
    setSlugEdited(value.trim() !== '');
  };
  const submit = async () => {
    setError(undefined);
    try {
      const env = await creation.mutateAsync({ slug, ...(name.trim() && { name: name.trim() }) });
      notifications.show({ color: 'teal', title: 'Environment created', message: env.name });
      reset();
      onCreated(env);
    } catch (err) {
      const field = serverFieldError(err, ['name', 'slug']);
      if (field) form.setFieldError(field.field, field.message);
      else setError(describeError(err));
    }
  };

  return (
    <Modal opened={opened} onClose={close} title="Create environment">
      <form onSubmit={form.onSubmit(() => void submit())}>
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
            error={form.errors.name}
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
            error={form.errors.slug}
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
