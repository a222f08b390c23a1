/**
 * The integration's authentication methods on the General tab: whether it holds a secret, its
 * registered public keys for `private_key_jwt` (RFC 7523 §2.2) with their `kid`, algorithm and
 * creation time, its `jwks_uri` if any and whether DPoP is required (RFC 9449 §5.2). An operator
 * adds a key by pasting a public JWK or JWKS and removes one after confirmation.
 */
import { useState } from 'react';
import { useForm } from '@mantine/form';
import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Textarea,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { describeError, seg, useApi } from '../api/client';
import type { ClientKey, Integration } from '../api/types';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keys as queryKeys, useApiQuery } from '../api/queries';
import { parsePastedJwks } from './parse-jwks';
import { ErrorState, Loading } from './states';

/** The card. */
export function ClientKeysCard({ integration: c }: { integration: Integration }) {
  const { api } = useApi();
  const path = `/environments/${seg(c.environment)}/integrations/${seg(c.client_id)}/keys`;
  const keys = useApiQuery<{ items: ClientKey[] }>(queryKeys.clientKeys(c.environment, c.client_id), path);
  const queryClient = useQueryClient();
  // The integration (its key-only state) and its keys: the one prefix covers both.
  const reload = () =>
    void queryClient.invalidateQueries({ queryKey: queryKeys.integration(c.environment, c.client_id) });
  const form = useForm({ mode: 'controlled', initialValues: { pasted: '' } });
  const pasted = form.values.pasted;
  const [removing, setRemoving] = useState<string | undefined>();
  // Each key of a pasted JWKS is added in turn; whatever was added shows, even when a later one fails.
  const addition = useMutation({
    mutationFn: async (text: string) => {
      const added: string[] = [];
      for (const jwk of parsePastedJwks(text)) added.push((await api<ClientKey>('POST', path, { jwk })).kid);
      return added;
    },
    onSettled: reload,
  });
  const removal = useMutation({
    mutationFn: (kid: string) => api('DELETE', `${path}/${seg(kid)}`),
    onSuccess: reload,
  });
  const busy = addition.isPending || removal.isPending;
  const add = async () => {
    try {
      const added = await addition.mutateAsync(pasted);
      notifications.show({ color: 'teal', title: 'Key added', message: added.join(', ') });
      form.reset();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Key not added', message: describeError(err) });
    }
  };
  const remove = async (kid: string) => {
    try {
      await removal.mutateAsync(kid);
      notifications.show({ color: 'teal', title: 'Key removed', message: kid });
      setRemoving(undefined);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Key not removed', message: describeError(err) });
    }
  };
  const items = keys.data?.items ?? [];

  return (
    <Card withBorder>
      <Stack>
        <Text fw={600}>Authentication</Text>
        <Group gap="xs" role="group" aria-label="Authentication methods">
          <Badge variant="light" color={c.token_endpoint_auth_method === 'private_key_jwt' ? 'gray' : 'teal'}>
            {c.token_endpoint_auth_method === 'private_key_jwt' ? 'No secret' : 'Client secret'}
          </Badge>
          <Badge variant="light" color={items.length > 0 || c.jwks_uri ? 'teal' : 'gray'}>
            {`Private key JWT: ${items.length} key${items.length === 1 ? '' : 's'}${c.jwks_uri ? ' + JWKS URL' : ''}`}
          </Badge>
          <Badge variant="light" color={c.dpop_bound_access_tokens ? 'violet' : 'gray'}>
            {c.dpop_bound_access_tokens ? 'DPoP required' : 'DPoP optional'}
          </Badge>
        </Group>
        {c.jwks_uri && (
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            Keys are also fetched from <code>{c.jwks_uri}</code>
          </Text>
        )}
        {keys.error !== undefined && <ErrorState error={keys.error} onRetry={keys.reload} />}
        {keys.loading && !keys.data && <Loading label="Loading keys" />}
        {keys.data && items.length === 0 && (
          <Text size="sm" c="dimmed">
            No registered keys. Add a public key to let this integration authenticate with a signed assertion instead of
            a secret.
          </Text>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={300}>
            <Table striped aria-label="Client keys">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Key ID · algorithm</Table.Th>
                  <Table.Th>Added</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((k) => (
                  <Table.Tr key={k.kid}>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>
                      <Text size="sm" ff="monospace">
                        {k.kid}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {k.alg}
                      </Text>
                    </Table.Td>
                    <Table.Td>{new Date(k.created_at).toLocaleString()}</Table.Td>
                    <Table.Td w={48}>
                      <Tooltip label="Remove key">
                        <ActionIcon
                          color="red"
                          variant="subtle"
                          aria-label={`Remove key ${k.kid}`}
                          onClick={() => setRemoving(k.kid)}
                        >
                          <IconTrash size={16} aria-hidden />
                        </ActionIcon>
                      </Tooltip>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <Textarea
          label="Add a public key"
          description="A public JWK or JWKS (JSON) with kty and alg; never the private key"
          autosize
          minRows={3}
          maxRows={10}
          {...form.getInputProps('pasted')}
          styles={{ input: { fontFamily: 'monospace' } }}
        />
        <Group>
          <Button onClick={add} loading={busy} disabled={pasted.trim() === ''}>
            Add key
          </Button>
        </Group>
      </Stack>
      <Modal opened={removing !== undefined} onClose={() => setRemoving(undefined)} title="Remove key">
        <Stack>
          <Text size="sm">
            Remove key <b>{removing}</b>? Assertions signed with it stop working. Tokens already issued stay valid until
            they expire.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(undefined)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={() => removing && remove(removing)}>
              Remove key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
