/**
 * "Add endpoint" and "Edit endpoint": the URL, the event filters (free entry with suggestions;
 * token events go only to an endpoint that names them) and, when adding, whether it starts enabled.
 * A field the server refuses shows the server's sentence under that field; any other refusal is an
 * alert in the dialog.
 */
import { useState } from 'react';
import { useForm } from '@mantine/form';
import { Alert, Button, Group, Modal, Stack, Switch, TagsInput, Text, TextInput } from '@mantine/core';
import { describeError } from '../api/client';
import type { WebhookEndpoint, WebhookEndpointWithSecret } from '../api/types';
import type { EndpointInput, WebhookMutations } from '../api/webhooks';
import { endpointFieldError, EVENT_SUGGESTIONS, eventPatternsProblem, MAX_EVENT_PATTERNS } from './webhook-events';

/** Props of {@link WebhookEndpointModal}: `endpoint` to edit, none to add. */
export interface WebhookEndpointModalProps {
  endpoint?: WebhookEndpoint;
  mutations: WebhookMutations;
  onClose: () => void;
  /** An endpoint was added: its secret is to be shown this once. */
  onCreated?: (created: WebhookEndpointWithSecret) => void;
}

/** The dialog; closes itself after the server took the change. */
export function WebhookEndpointModal({ endpoint, mutations, onClose, onCreated }: WebhookEndpointModalProps) {
  const editing = endpoint !== undefined;
  const form = useForm<EndpointInput>({
    mode: 'controlled',
    initialValues: { url: endpoint?.url ?? '', events: endpoint?.events ?? ['*'], enabled: endpoint?.enabled ?? true },
    validate: {
      url: (v) => (v.trim() ? null : 'Enter the URL to POST events to'),
      events: (v) => eventPatternsProblem(v) ?? null,
    },
  });
  const [error, setError] = useState<string | undefined>();
  const busy = mutations.create.isPending || mutations.update.isPending;
  const submit = async (v: EndpointInput) => {
    setError(undefined);
    const body = { ...v, url: v.url.trim() };
    try {
      if (editing) {
        // Only what changed: the audit event says what the edit was.
        const patch = {
          ...(body.url !== endpoint.url && { url: body.url }),
          ...(body.events.join('\n') !== endpoint.events.join('\n') && { events: body.events }),
        };
        if (Object.keys(patch).length > 0) await mutations.update.mutateAsync({ id: endpoint.id, patch });
      } else {
        onCreated?.(await mutations.create.mutateAsync(body));
      }
      onClose();
    } catch (err) {
      const field = endpointFieldError(err);
      if (field) form.setFieldError(field.field, field.message);
      else setError(describeError(err));
    }
  };
  const title = editing ? 'Edit endpoint' : 'Add endpoint';
  return (
    <Modal opened onClose={onClose} title={title}>
      <form onSubmit={form.onSubmit((v) => void submit(v))} aria-label={title} noValidate>
        <Stack>
          <TextInput
            label="URL"
            description="Gatehouse POSTs each event here as JSON. https, at a public address."
            placeholder="https://hooks.example.com/gatehouse"
            type="url"
            required
            autoComplete="off"
            data-autofocus
            {...form.getInputProps('url')}
            styles={{ input: { fontFamily: 'monospace' } }}
          />
          <TagsInput
            label="Event filters"
            description={`Up to ${MAX_EVENT_PATTERNS}: * for every event, an action such as integration.update, or a family such as member.*. Press Enter after each.`}
            data={[...EVENT_SUGGESTIONS]}
            splitChars={[',', ' ']}
            clearable
            comboboxProps={{ withinPortal: true }}
            {...form.getInputProps('events')}
          />
          <Text size="xs" c="dimmed" data-testid="token-events-note" mt={-8}>
            Token events (token.mint, token.revoke…) are sent only to an endpoint that names them — add token.* or the
            exact action; * does not include them.
          </Text>
          {!editing && (
            <Switch
              label="Enabled"
              description="A disabled endpoint gets no events until you enable it."
              {...form.getInputProps('enabled', { type: 'checkbox' })}
            />
          )}
          {error && (
            <Alert color="red" role="alert" title={editing ? 'Endpoint not saved' : 'Endpoint not added'}>
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {editing ? 'Save endpoint' : 'Add endpoint'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
