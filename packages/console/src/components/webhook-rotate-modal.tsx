/**
 * "Rotate secret" of a webhook endpoint: how long the old secret keeps signing too (none, an hour,
 * a day — the server's default — or a week), then the new secret is shown once on the endpoint.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { describeError } from '../api/client';
import type { WebhookEndpoint, WebhookEndpointWithSecret } from '../api/types';
import type { WebhookMutations } from '../api/webhooks';
import { GRACE_CHOICES } from './webhook-events';

/** The dialog for `endpoint`; `onRotated` gets the answer (with the new secret), then it closes. */
export function WebhookRotateModal({
  endpoint,
  mutations,
  onClose,
  onRotated,
}: {
  endpoint: WebhookEndpoint;
  mutations: WebhookMutations;
  onClose: () => void;
  onRotated: (rotated: WebhookEndpointWithSecret) => void;
}) {
  const [grace, setGrace] = useState<string>('86400');
  const [error, setError] = useState<string | undefined>();
  const rotate = async () => {
    setError(undefined);
    try {
      onRotated(await mutations.rotate.mutateAsync({ id: endpoint.id, grace_seconds: Number(grace) }));
      onClose();
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <Modal opened onClose={onClose} title="Rotate signing secret">
      <Stack>
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          A new secret signs every delivery to <b>{endpoint.url}</b> from now on. During the grace period each delivery
          carries both signatures — the new one first — so your receiver can switch to the new secret without missing a
          message.
        </Text>
        <Select
          label="Grace period"
          description="How long the old secret keeps signing too"
          data={[...GRACE_CHOICES]}
          value={grace}
          onChange={(v) => v && setGrace(v)}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
        />
        {error && (
          <Alert color="red" role="alert" title="Secret not rotated">
            {error}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button onClick={() => void rotate()} loading={mutations.rotate.isPending}>
            Rotate secret
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
