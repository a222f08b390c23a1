/**
 * The "General" tab: client ID, the secret right after creation or rotation, its usage (last use,
 * secret age, live tokens), "Rotate secret" with a grace period (1 hour by default; not offered for
 * a key-only integration, whose keys are managed instead), its authentication methods and keys,
 * enable and disable (confirmed), "Revoke tokens" and "Delete" with confirmation. Each action is
 * enabled only when the integration's `actions` (the server's policy, for this caller) allow it,
 * and the note above says why not: a developer rotates the secrets of content-only integrations
 * only, and never disables or deletes.
 */
import { useState } from 'react';
import { useForm } from '@mantine/form';
import { Button, Card, Group, Modal, Select, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBan, IconRefresh, IconTrash } from '@tabler/icons-react';
import { describeError, seg } from '../api/client';
import { useApiMutation, useUpdateIntegration } from '../api/mutations';
import { keys } from '../api/queries';
import type { Integration, SecretRotated } from '../api/types';
import { ClientKeysCard } from './client-keys-card';
import { FederatedCredentialsCard } from './federated-credentials-card';
import { IntegrationActionsNote, isKeyOnly } from './integration-actions-note';
import { IntegrationUsageCard } from './integration-usage-card';
import { CopyField } from './copy-field';
import { SecretReveal } from './secret-reveal';

/** Grace periods of the old secret; 1 hour is the default, so one click never cuts off a running integration. */
const GRACE = [
  { value: '0', label: 'Stop the old secret now' },
  { value: '3600', label: 'Keep the old secret for 1 hour' },
  { value: '86400', label: 'Keep the old secret for 24 hours' },
  { value: '604800', label: 'Keep the old secret for 7 days' },
];
const DEFAULT_GRACE = '3600';

interface Props {
  integration: Integration;
  secret: string | undefined;
  onSecret: (secret: string) => void;
  onChanged: (c: Integration) => void;
  onDeleted: () => void;
}

/** The tab. */
export function GeneralTab({ integration: c, secret, onSecret, onChanged, onDeleted }: Props) {
  const path = `/environments/${seg(c.environment)}/integrations/${seg(c.client_id)}`;
  // Each change reads the integration again (its secret age, live tokens); the lists show it too.
  const self = keys.integration(c.environment, c.client_id);
  const lists = keys.integrationLists(c.environment);
  const rotation = useApiMutation<SecretRotated, { grace_seconds: number }>('POST', `${path}/rotate-secret`, [self]);
  const update = useUpdateIntegration(c.environment, c.client_id);
  const revocation = useApiMutation<{ revoked: number }, object>('POST', `${path}/revoke-tokens`, [self]);
  const deletion = useApiMutation<void, undefined>('DELETE', path, [lists]);
  const [dialog, setDialog] = useState<'rotate' | 'delete' | 'revoke' | 'disable' | undefined>();
  // The rotation dialog's one field: how long the old secret keeps working.
  const form = useForm({ mode: 'controlled', initialValues: { grace: DEFAULT_GRACE } });
  const grace = form.values.grace;
  const busy = rotation.isPending || update.isPending || revocation.isPending || deletion.isPending;
  const can = (action: keyof Integration['actions']) => c.actions[action].allowed;
  const act = async (what: () => Promise<void>) => {
    try {
      await what();
      setDialog(undefined);
    } catch (err) {
      notifications.show({ color: 'red', title: 'That did not work', message: describeError(err) });
    }
  };
  const rotate = () =>
    act(async () => {
      const r = await rotation.mutateAsync({ grace_seconds: Number(grace) });
      onSecret(r.client_secret);
      form.reset();
      notifications.show({ color: 'teal', title: 'Secret rotated', message: 'Copy the new secret now.' });
    });
  const toggle = (enabled: boolean) =>
    act(async () => {
      onChanged(await update.mutateAsync({ enabled }));
      notifications.show({
        color: 'teal',
        title: enabled ? 'Integration enabled' : 'Integration disabled',
        message: c.name,
      });
    });
  const revoke = () =>
    act(async () => {
      const r = await revocation.mutateAsync({});
      notifications.show({
        color: 'teal',
        title: 'Tokens revoked',
        message: `${r.revoked} token${r.revoked === 1 ? '' : 's'} revoked`,
      });
    });
  const remove = () =>
    act(async () => {
      await deletion.mutateAsync(undefined);
      notifications.show({ color: 'teal', title: 'Integration deleted', message: c.name });
      onDeleted();
    });

  return (
    <Stack>
      <IntegrationActionsNote integration={c} />
      <Card withBorder>
        <Stack>
          <CopyField label="Client ID" value={c.client_id} />
          {secret ? (
            <SecretReveal secret={secret} />
          ) : isKeyOnly(c) ? (
            <Text size="sm" c="dimmed">
              This integration has no secret: it authenticates with a signed assertion (private key JWT). Manage its
              keys under Authentication below.
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              The client secret is shown only once, when the integration is created or its secret rotated. Lost it?{' '}
              {can('rotate_secret') ? 'Rotate the secret.' : 'Someone who may rotate it can issue a new one.'}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            Created {new Date(c.created_at).toLocaleString()}
            {c.secret_expires_at && ` · secret expires ${new Date(c.secret_expires_at).toLocaleString()}`}
          </Text>
        </Stack>
      </Card>
      <IntegrationUsageCard integration={c} />
      {can('manage_keys') ? (
        <ClientKeysCard integration={c} />
      ) : (
        <fieldset disabled className="gh-read-only" style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
          <ClientKeysCard integration={c} />
        </fieldset>
      )}
      {can('manage_keys') ? (
        <FederatedCredentialsCard integration={c} />
      ) : (
        <fieldset disabled className="gh-read-only" style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
          <FederatedCredentialsCard integration={c} />
        </fieldset>
      )}
      <Card withBorder>
        <Stack gap="md">
          <Switch
            label="Enabled"
            description="A disabled integration can't get tokens"
            checked={c.enabled}
            disabled={busy || !can('update')}
            onChange={(e) => (e.currentTarget.checked ? toggle(true) : setDialog('disable'))}
          />
          <Group gap="sm">
            {!isKeyOnly(c) && (
              <Button
                variant="default"
                leftSection={<IconRefresh size={16} aria-hidden />}
                disabled={!can('rotate_secret')}
                onClick={() => setDialog('rotate')}
              >
                Rotate secret
              </Button>
            )}
            <Button
              variant="default"
              leftSection={<IconBan size={16} aria-hidden />}
              disabled={!can('revoke_tokens')}
              onClick={() => setDialog('revoke')}
            >
              Revoke tokens
            </Button>
            <Button
              color="red"
              variant="light"
              leftSection={<IconTrash size={16} aria-hidden />}
              disabled={!can('delete')}
              onClick={() => setDialog('delete')}
            >
              Delete
            </Button>
          </Group>
        </Stack>
      </Card>

      <Modal opened={dialog === 'rotate'} onClose={() => setDialog(undefined)} title="Rotate secret">
        <Stack>
          <Text size="sm">
            A new secret is issued and shown once. Tokens already issued stay valid until they expire.
          </Text>
          <Select
            label="Grace period"
            description="How long the old secret keeps working while you roll out the new one"
            data={GRACE}
            value={grace}
            onChange={(v) => form.setFieldValue('grace', v ?? DEFAULT_GRACE)}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(undefined)}>
              Cancel
            </Button>
            <Button loading={busy} onClick={rotate}>
              Rotate now
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={dialog === 'disable'} onClose={() => setDialog(undefined)} title="Disable integration">
        <Stack>
          <Text size="sm">
            Disable <b>{c.name}</b>? It gets no new tokens until it is enabled again, and Gatehouse's own API refuses
            its tokens at once; other APIs that verify tokens locally accept them until they expire (revoke them as well
            to cut those off).
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(undefined)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={() => toggle(false)}>
              Disable integration
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={dialog === 'revoke'} onClose={() => setDialog(undefined)} title="Revoke tokens">
        <Stack>
          <Text size="sm">
            Every unexpired token of {c.name} stops working at resource servers that check revocation; the next token
            request mints a new one.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(undefined)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={revoke}>
              Revoke tokens
            </Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={dialog === 'delete'} onClose={() => setDialog(undefined)} title="Delete integration">
        <Stack>
          <Text size="sm">
            Delete <b>{c.name}</b>? Its tokens are revoked and its client ID stops working. This can't be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(undefined)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={remove}>
              Delete integration
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
