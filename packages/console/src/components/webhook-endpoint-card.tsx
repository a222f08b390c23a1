/**
 * One webhook endpoint on the Webhooks tab: its URL, event filters, state (enabled, disabled, or
 * disabled by the server after 24 h of failures), its secret right after creation or rotation
 * (once), and its actions — enable/disable, edit, rotate secret, send a test event, remove — with
 * its delivery log below on demand.
 */
import { useId, useState } from 'react';
import { Badge, Button, Card, Collapse, Group, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconChevronUp, IconKey, IconPencil, IconSend, IconTrash } from '@tabler/icons-react';
import { describeError } from '../api/client';
import type { WebhookEndpoint } from '../api/types';
import type { WebhookMutations } from '../api/webhooks';
import { ConfirmModal } from './confirm-modal';
import { SecretReveal } from './secret-reveal';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookEndpointModal } from './webhook-endpoint-modal';
import { SecretNote, StateNote, when, type FreshSecret } from './webhook-endpoint-notes';
import { WebhookRotateModal } from './webhook-rotate-modal';

/** The card of `endpoint` of `env`; `fresh` is its just-issued secret, if any. */
export function WebhookEndpointCard({
  env,
  endpoint: e,
  mutations,
  fresh,
  onSecret,
  onHideSecret,
}: {
  env: string;
  endpoint: WebhookEndpoint;
  mutations: WebhookMutations;
  fresh: FreshSecret | undefined;
  onSecret: (fresh: FreshSecret) => void;
  onHideSecret: () => void;
}) {
  const [dialog, setDialog] = useState<'edit' | 'rotate' | 'remove'>();
  const [showLog, setShowLog] = useState(false);
  const logId = useId();
  // The switch moves at once (state of this click's own handler); the server's answer, the list
  // read again, confirms it or puts it back.
  const [asked, setAsked] = useState<boolean | undefined>();
  const testing = mutations.test.isPending && mutations.test.variables === e.id;
  const setEnabled = async (enabled: boolean) => {
    setAsked(enabled);
    try {
      await mutations.update.mutateAsync({ id: e.id, patch: { enabled } });
      notifications.show({ color: 'teal', title: enabled ? 'Endpoint enabled' : 'Endpoint disabled', message: e.url });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Endpoint not changed', message: describeError(err) });
    } finally {
      setAsked(undefined);
    }
  };
  const sendTest = async () => {
    try {
      await mutations.test.mutateAsync(e.id);
      setShowLog(true);
      notifications.show({ color: 'teal', title: 'Test event queued', message: 'It shows in the deliveries below.' });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Test event not sent', message: describeError(err) });
    }
  };
  const disabledLabel = e.disabled_reason === 'failing' ? 'Disabled after 24 h of failures' : 'Disabled';
  return (
    <Card withBorder component="section" aria-label={`Endpoint ${e.url}`} data-testid="webhook-endpoint">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
          <div style={{ minWidth: 0 }}>
            <Text fw={600} ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
              {e.url}
            </Text>
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {e.id} · created {when(e.created_at)}
            </Text>
          </div>
          <Badge
            color={e.enabled ? 'teal' : e.disabled_reason ? 'red' : 'gray'}
            variant="light"
            className="gh-badge-whole"
            data-testid="webhook-state"
          >
            {e.enabled ? 'Enabled' : disabledLabel}
          </Badge>
        </Group>
        <StateNote endpoint={e} />
        <Group gap={6} aria-label="Event filters" role="list">
          {e.events.map((p) => (
            <Badge key={p} role="listitem" variant="outline" color="gray" tt="none" ff="monospace">
              {p}
            </Badge>
          ))}
        </Group>
        {e.previous_secret_expires_at && Date.parse(e.previous_secret_expires_at) > Date.now() && !fresh && (
          <Text size="xs" c="dimmed">
            The previous secret also signs until {when(e.previous_secret_expires_at)}.
          </Text>
        )}
        {fresh && (
          <SecretReveal secret={fresh.endpoint.secret} label="Signing secret">
            <SecretNote fresh={fresh} />
            <Group>
              <Button size="xs" variant="default" onClick={onHideSecret}>
                I have copied the secret
              </Button>
            </Group>
          </SecretReveal>
        )}
        <Switch
          label="Enabled"
          description={e.enabled ? 'Matching events are sent.' : 'No events are sent; nothing is queued.'}
          checked={asked ?? e.enabled}
          disabled={asked !== undefined}
          onChange={(ev) => void setEnabled(ev.currentTarget.checked)}
        />
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            leftSection={<IconPencil size={14} aria-hidden />}
            onClick={() => setDialog('edit')}
          >
            Edit
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconKey size={14} aria-hidden />}
            onClick={() => setDialog('rotate')}
          >
            Rotate secret
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconSend size={14} aria-hidden />}
            loading={testing}
            onClick={() => void sendTest()}
          >
            Send test event
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={showLog ? <IconChevronUp size={14} aria-hidden /> : <IconChevronDown size={14} aria-hidden />}
            aria-expanded={showLog}
            aria-controls={logId}
            onClick={() => setShowLog((s) => !s)}
          >
            Deliveries
          </Button>
          <Button
            size="xs"
            variant="subtle"
            color="red"
            leftSection={<IconTrash size={14} aria-hidden />}
            onClick={() => setDialog('remove')}
          >
            Remove
          </Button>
        </Group>
        <Collapse expanded={showLog} id={logId}>
          {showLog && <WebhookDeliveries env={env} endpoint={e} mutations={mutations} />}
        </Collapse>
      </Stack>
      {dialog === 'edit' && (
        <WebhookEndpointModal endpoint={e} mutations={mutations} onClose={() => setDialog(undefined)} />
      )}
      {dialog === 'rotate' && (
        <WebhookRotateModal
          endpoint={e}
          mutations={mutations}
          onClose={() => setDialog(undefined)}
          onRotated={(rotated) => onSecret({ endpoint: rotated, rotated: true })}
        />
      )}
      {dialog === 'remove' && (
        <ConfirmModal
          title="Remove endpoint"
          confirmLabel="Remove endpoint"
          onClose={() => setDialog(undefined)}
          onConfirm={async () => {
            await mutations.remove.mutateAsync(e.id);
            notifications.show({ color: 'teal', title: 'Endpoint removed', message: e.url });
          }}
        >
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            Remove <b>{e.url}</b>? It gets no more events; its undelivered events and its delivery log are deleted.
          </Text>
        </ConfirmModal>
      )}
    </Card>
  );
}
