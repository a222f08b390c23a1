/**
 * A form to register a tenant's public key for customer tokens: algorithm, PEM (SPKI) or JWK,
 * optional key ID, and whether the key may sign admin tokens. Weak or mismatched keys are refused
 * by the server with a message shown here.
 */
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Button, Card, Checkbox, Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { describeError, seg, useApi } from '../api/client';

const ALGS = ['ES256', 'ES384', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

/** Registers a public key, then calls `onAdded`. */
export function RegisterPublicKey({ env, onAdded }: { env: string; onAdded: () => void }) {
  const { api } = useApi();
  const form = useForm<{ alg: string | null; key: string; kid: string; allowAdmin: boolean }>({
    mode: 'controlled',
    initialValues: { alg: 'ES256', key: '', kid: '', allowAdmin: true },
  });
  const { alg, key, kid } = form.values;
  const registration = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      api('POST', `/environments/${seg(env)}/credentials/public-keys`, body),
    // The credentials that list it read again.
    onSuccess: () => onAdded(),
  });
  const busy = registration.isPending;
  const submit = async () => {
    try {
      await registration.mutateAsync({
        alg,
        key,
        ...(kid.trim() && { kid: kid.trim() }),
        allow_admin: form.values.allowAdmin,
      });
      notifications.show({
        color: 'teal',
        title: 'Public key registered',
        message: `${alg ?? ''}${kid.trim() ? ` (${kid.trim()})` : ''}`,
      });
      form.setValues({ key: '', kid: '' });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Key not registered', message: describeError(err) });
    }
  };
  return (
    <Card withBorder>
      <Stack>
        <Text fw={600}>Register a public key</Text>
        <Group grow align="flex-start">
          <Select
            label="Algorithm"
            data={ALGS}
            {...form.getInputProps('alg')}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
          />
          <TextInput
            label="Key ID (optional)"
            description="The kid your tokens carry in their header"
            {...form.getInputProps('kid')}
          />
        </Group>
        <Textarea
          label="Public key"
          description="PEM (-----BEGIN PUBLIC KEY-----) or JWK JSON; never the private key"
          autosize
          minRows={4}
          {...form.getInputProps('key')}
          styles={{ input: { fontFamily: 'monospace' } }}
        />
        <Checkbox label="May sign admin tokens" {...form.getInputProps('allowAdmin', { type: 'checkbox' })} />
        <Group>
          <Button onClick={submit} loading={busy} disabled={!alg || key.trim() === ''}>
            Register public key
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
