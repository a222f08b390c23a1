/**
 * Dialogs of the APIs tab: register or edit an API (name, audience on registration, scopes in a
 * {@link ScopesEditor}), and delete one with confirmation.
 */
import { useState } from 'react';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiRequestError, describeError, seg, useApi } from '../api/client';
import type { Api } from '../api/types';
import { rowsOf, ScopesEditor, scopesOf, type ScopeRow } from './scopes-editor';
import { serverFieldError } from './server-field-error';

/** Register (no `existing`) or edit an API. */
export function ApiFormModal({
  env,
  existing,
  onClose,
  onSaved,
}: {
  env: string;
  existing?: Api;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { api } = useApi();
  const form = useForm<{ name: string; audience: string; rows: ScopeRow[]; keepTokens: boolean }>({
    mode: 'controlled',
    initialValues: {
      name: existing?.name ?? '',
      audience: existing?.audience ?? '',
      rows: rowsOf(existing?.scopes ?? []),
      keepTokens: false,
    },
  });
  const { rows, keepTokens } = form.values;
  const [error, setError] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      existing
        ? api<Api>('PATCH', `/environments/${seg(env)}/apis/${seg(existing.id)}`, body)
        : api<Api>('POST', `/environments/${seg(env)}/apis`, body),
    // The APIs and the integrations holding grants on it read again.
    onSuccess: () => onSaved(),
  });
  const busy = save.isPending;
  const scopes = scopesOf(rows);
  const removed =
    existing && scopes
      ? existing.scopes.filter((s) => !scopes.some((n) => n.value === s.value)).map((s) => s.value)
      : [];
  const title = existing ? `Edit ${existing.name}` : 'Register API';

  const submit = async (v: typeof form.values) => {
    if (!scopes) return setError('Correct the scopes marked below.');
    setError(undefined);
    try {
      if (existing) {
        await save.mutateAsync({
          name: v.name.trim(),
          scopes,
          ...(removed.length && v.keepTokens && { keep_tokens: true }),
        });
        notifications.show({ color: 'teal', title: 'API saved', message: existing.audience });
      } else {
        const created = await save.mutateAsync({ name: v.name.trim(), audience: v.audience.trim(), scopes });
        notifications.show({ color: 'teal', title: 'API registered', message: created.audience });
      }
      onClose();
    } catch (err) {
      // A field the server refuses shows its sentence under that field.
      const field = serverFieldError(err, ['name', 'audience']);
      if (field) form.setFieldError(field.field, field.message);
      else setError(describeError(err));
    }
  };

  return (
    <Modal opened onClose={onClose} title={title} size="lg">
      <form onSubmit={form.onSubmit((v) => void submit(v))}>
        <Stack>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput label="Name" required maxLength={200} {...form.getInputProps('name')} data-autofocus />
          {existing ? (
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              Audience <code>{existing.audience}</code> (it can't change: tokens carry it)
            </Text>
          ) : (
            <TextInput
              label="Audience"
              description="A URI identifying your service, e.g. https://api.example.com"
              required
              maxLength={500}
              {...form.getInputProps('audience')}
            />
          )}
          <ScopesEditor rows={rows} onChange={(next) => form.setFieldValue('rows', next)} />
          {removed.length > 0 && (
            <Alert color="yellow" title="Scopes removed">
              <Text size="sm">
                {removed.join(', ')} will be taken out of every integration's grants; their tokens already issued for
                this API are revoked.
              </Text>
              <Checkbox
                mt="xs"
                label="Keep tokens already issued for this API"
                checked={keepTokens}
                onChange={(e) => form.setFieldValue('keepTokens', e.currentTarget.checked)}
              />
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {existing ? 'Save API' : 'Register API'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Confirms deleting `target`; while integrations hold grants on it, offers to remove them too. */
export function DeleteApiModal({
  env,
  target,
  onClose,
  onDeleted,
}: {
  env: string;
  target: Api;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { api } = useApi();
  const [held, setHeld] = useState<string | undefined>();
  const [force, setForce] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const deletion = useMutation({
    mutationFn: (withGrants: boolean) =>
      api<void>('DELETE', `/environments/${seg(env)}/apis/${seg(target.id)}${withGrants ? '?force=true' : ''}`),
    // The APIs and the integrations that held grants on it read again.
    onSuccess: () => onDeleted(),
  });
  const busy = deletion.isPending;
  const remove = async () => {
    setError(undefined);
    try {
      await deletion.mutateAsync(force);
      notifications.show({ color: 'teal', title: 'API deleted', message: target.audience });
      onClose();
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 409) setHeld(err.message);
      else setError(describeError(err));
    }
  };
  return (
    <Modal opened onClose={onClose} title={`Delete ${target.name}?`}>
      <Stack>
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          Integrations will no longer get tokens for <code>{target.audience}</code>. This can't be undone.
        </Text>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        {held && (
          <Alert color="yellow" role="alert" title="Integrations hold grants on this API">
            <Text size="sm">{held}</Text>
            <Checkbox
              mt="xs"
              label="Also remove their grants and revoke their tokens for this API"
              checked={force}
              onChange={(e) => setForce(e.currentTarget.checked)}
            />
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color="red" onClick={remove} loading={busy} disabled={held !== undefined && !force}>
            Delete API
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
