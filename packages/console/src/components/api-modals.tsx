/**
 * Dialogs of the APIs tab: register or edit an API (name, audience on registration, scopes in a
 * {@link ScopesEditor}), and delete one with confirmation.
 */
import { useState, type FormEvent } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiRequestError, describeError, seg, useApi } from '../api/client';
import type { Api } from '../api/types';
import { rowsOf, ScopesEditor, scopesOf, type ScopeRow } from './scopes-editor';

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
  const [name, setName] = useState(existing?.name ?? '');
  const [audience, setAudience] = useState(existing?.audience ?? '');
  const [rows, setRows] = useState<ScopeRow[]>(() => rowsOf(existing?.scopes ?? []));
  const [keepTokens, setKeepTokens] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const scopes = scopesOf(rows);
  const removed =
    existing && scopes
      ? existing.scopes.filter((s) => !scopes.some((n) => n.value === s.value)).map((s) => s.value)
      : [];
  const title = existing ? `Edit ${existing.name}` : 'Register API';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!scopes) return setError('Correct the scopes marked below.');
    setBusy(true);
    setError(undefined);
    try {
      if (existing) {
        await api<Api>('PATCH', `/environments/${seg(env)}/apis/${seg(existing.id)}`, {
          name: name.trim(),
          scopes,
          ...(removed.length && keepTokens && { keep_tokens: true }),
        });
        notifications.show({ color: 'teal', title: 'API saved', message: existing.audience });
      } else {
        const created = await api<Api>('POST', `/environments/${seg(env)}/apis`, {
          name: name.trim(),
          audience: audience.trim(),
          scopes,
        });
        notifications.show({ color: 'teal', title: 'API registered', message: created.audience });
      }
      onSaved();
      onClose();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened onClose={onClose} title={title} size="lg">
      <form onSubmit={submit}>
        <Stack>
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput
            label="Name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
          />
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
              value={audience}
              onChange={(e) => setAudience(e.currentTarget.value)}
            />
          )}
          <ScopesEditor rows={rows} onChange={setRows} />
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
                onChange={(e) => setKeepTokens(e.currentTarget.checked)}
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
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api<void>('DELETE', `/environments/${seg(env)}/apis/${seg(target.id)}${force ? '?force=true' : ''}`);
      notifications.show({ color: 'teal', title: 'API deleted', message: target.audience });
      onDeleted();
      onClose();
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 409) setHeld(err.message);
      else setError(describeError(err));
    } finally {
      setBusy(false);
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
