/**
 * "Create integration": name, description, a permissions preset and how it authenticates (a
 * secret, or a pasted public JWKS for `private_key_jwt`: no secret at all); then the client ID and
 * the secret, shown this once.
 */
import { useState } from 'react';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Group, Modal, Radio, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { describeError, seg, useApi } from '../api/client';
import type { IntegrationCreate, IntegrationCreated } from '../api/types';
import { useNavigate } from 'react-router';
import { CopyField } from './copy-field';
import { parsePastedJwks } from './parse-jwks';
import { serverFieldError } from './server-field-error';
import { keepFreshSecret, SecretReveal } from './secret-reveal';
import { useGrantableScopes } from '../capabilities';

type Preset = 'read-only' | 'all-permissions' | 'none';

/** The dialog. `onCreated` runs after the integration exists (to refresh a list). */
export function CreateIntegrationModal({
  env,
  opened,
  onClose,
  onCreated,
}: {
  env: string;
  opened: boolean;
  onClose: () => void;
  onCreated: () => void;
}) {
  const { api } = useApi();
  const navigate = useNavigate();
  const form = useForm<{
    name: string;
    description: string;
    preset: Preset;
    authMethod: 'secret' | 'key';
    jwks: string;
  }>({
    mode: 'controlled',
    initialValues: { name: '', description: '', preset: 'read-only', authMethod: 'secret', jwks: '' },
  });
  const { name, authMethod, jwks } = form.values;
  const [error, setError] = useState<string | undefined>();
  const creation = useMutation({
    mutationFn: (body: IntegrationCreate) =>
      api<IntegrationCreated>('POST', `/environments/${seg(env)}/integrations`, body),
    // The lists and counts that show it read again.
    onSuccess: () => onCreated(),
  });
  const busy = creation.isPending;
  const [created, setCreated] = useState<IntegrationCreated | undefined>();
  // A caller with a grant limit (a developer: content scopes) can't grant every permission: the server would refuse.
  const grantable = useGrantableScopes();

  const close = () => {
    setCreated(undefined);
    form.reset();
    setError(undefined);
    onClose();
  };
  const submit = async (v: typeof form.values) => {
    setError(undefined);
    try {
      const keys =
        v.authMethod === 'key'
          ? { token_endpoint_auth_method: 'private_key_jwt' as const, jwks: { keys: parsePastedJwks(v.jwks) } }
          : {};
      const body: IntegrationCreate = {
        name: v.name.trim(),
        ...(v.description.trim() && { description: v.description.trim() }),
        ...(v.preset === 'none' ? { scopes: [] } : { preset: v.preset }),
        ...keys,
      };
      const c = await creation.mutateAsync(body);
      setCreated(c);
      notifications.show({ color: 'teal', title: 'Integration created', message: c.name });
    } catch (err) {
      // A field the server refuses shows its sentence under that field.
      const field = serverFieldError(err, ['name', 'description']);
      if (field) form.setFieldError(field.field, field.message);
      else setError(describeError(err));
    }
  };
  const open = () => {
    if (!created) return;
    if (created.client_secret) keepFreshSecret(created.client_id, created.client_secret);
    const path = `/environments/${seg(env)}/integrations/${seg(created.client_id)}`;
    close();
    navigate(path);
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? 'Integration created' : 'Create integration'}
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack>
          <CopyField label="Client ID" value={created.client_id} />
          {created.client_secret ? (
            <SecretReveal secret={created.client_secret} />
          ) : (
            <Text size="sm">
              No secret: this integration authenticates with a client assertion signed by one of its keys (private key
              JWT).
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Done
            </Button>
            <Button onClick={open}>Open integration</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={form.onSubmit((v) => void submit(v))}>
          <Stack>
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput
              label="Name"
              description="A meaningful name, to recognise it later"
              required
              maxLength={200}
              {...form.getInputProps('name')}
              data-autofocus
            />
            <Textarea
              label="Description"
              autosize
              minRows={2}
              maxLength={2000}
              {...form.getInputProps('description')}
            />
            <Radio.Group
              label="Permissions"
              description="You can change them later on the Permissions tab"
              {...form.getInputProps('preset')}
            >
              <Stack gap="xs" mt="xs">
                <Radio
                  value="read-only"
                  label="Read-only"
                  description="Reads projects, media and fonts: safe for a front end (no customers, integrations or audit log)"
                />
                <Radio
                  value="all-permissions"
                  label="All permissions"
                  disabled={grantable !== null}
                  description={
                    grantable === null
                      ? "Full access to the Environment API except other integrations' secrets: keep it on servers only"
                      : `Not for your role: you may grant only ${grantable.join(' ') || 'nothing'}`
                  }
                />
                <Radio value="none" label="No permissions" description="Choose scopes afterwards" />
              </Stack>
            </Radio.Group>
            <Stack gap={4}>
              <Text size="sm" fw={500} id="create-auth-label">
                Authentication
              </Text>
              <SegmentedControl
                aria-labelledby="create-auth-label"
                {...form.getInputProps('authMethod')}
                data={[
                  { value: 'secret', label: 'Client secret' },
                  { value: 'key', label: 'Private key' },
                ]}
              />
            </Stack>
            {authMethod === 'key' && (
              <Textarea
                label="Public keys (JWKS)"
                description="A public JWK or JWKS as JSON; the integration gets no secret"
                required
                autosize
                minRows={3}
                maxRows={10}
                {...form.getInputProps('jwks')}
                styles={{ input: { fontFamily: 'monospace' } }}
              />
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={!name.trim() || (authMethod === 'key' && !jwks.trim())}>
                Create integration
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
