/**
 * A form to register a tenant's public key for customer tokens: algorithm, PEM (SPKI) or JWK,
 * optional key ID, and whether the key may sign admin tokens. Weak or mismatched keys are refused
 * by the server with a message shown here.
 */
import { useState } from 'react';
import { Button, Card, Checkbox, Group, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { describeError, seg, useApi } from '../api/client';

const ALGS = ['ES256', 'ES384', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

/** Registers a public key, then calls `onAdded`. */
export function RegisterPublicKey({ env, onAdded }: { env: string; onAdded: () => void }) {
  const { api } = useApi();
  const [alg, setAlg] = useState<string | null>('ES256');
  const [key, setKey] = useState('');
  const [kid, setKid] = useState('');
  const [allowAdmin, setAllowAdmin] = useState(true);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await api('POST', `/environments/${seg(env)}/credentials/public-keys`, {
        alg,
        key,
        ...(kid.trim() && { kid: kid.trim() }),
        allow_admin: allowAdmin,
      });
      notifications.show({
        color: 'teal',
        title: 'Public key registered',
        message: `${alg ?? ''}${kid.trim() ? ` (${kid.trim()})` : ''}`,
      });
      setKey('');
      setKid('');
      onAdded();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Key not registered', message: describeError(err) });
    } finally {
      setBusy(false);
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
            value={alg}
            onChange={setAlg}
            allowDeselect={false}
            comboboxProps={{ withinPortal: false }}
          />
          <TextInput
            label="Key ID (optional)"
            description="The kid your tokens carry in their header"
            value={kid}
            onChange={(e) => setKid(e.currentTarget.value)}
          />
        </Group>
        <Textarea
          label="Public key"
          description="PEM (-----BEGIN PUBLIC KEY-----) or JWK JSON; never the private key"
          autosize
          minRows={4}
          value={key}
          onChange={(e) => setKey(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'monospace' } }}
        />
        <Checkbox
          label="May sign admin tokens"
          checked={allowAdmin}
          onChange={(e) => setAllowAdmin(e.currentTarget.checked)}
        />
        <Group>
          <Button onClick={submit} loading={busy} disabled={!alg || key.trim() === ''}>
            Register public key
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
