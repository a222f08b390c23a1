/**
 * Customer tokens: the environment key a tenant's backend puts in `iss`, the environment secret
 * (shown once, when created with "Create secret" or rotated — opening the tab never creates one)
 * and the registered public keys.
 */
import { useState } from 'react';
import { Button, Card, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey, IconRefresh } from '@tabler/icons-react';
import { ApiRequestError, describeError, seg, useApi } from '../api/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keys, useApiQuery } from '../api/queries';
import { CopyField } from './copy-field';
import { SecretReveal } from './secret-reveal';
import { Empty, ErrorState, Loading } from './states';
import { RegisterPublicKey } from './register-public-key';
import { ConfirmModal } from './confirm-modal';

interface Credentials {
  environment_key: string;
  /** Always null: the secret is shown only by the POST that creates or rotates it. */
  environment_secret: null;
  /** Null while the environment has no secret. */
  secret_created_at: string | null;
  public_keys: { id: string; alg: string; kid: string | null; allow_admin: boolean; created_at: string }[];
}

/** The customer-tokens tab. */
export function CustomerTokensTab({ env }: { env: string }) {
  const { api } = useApi();
  const creds = useApiQuery<Credentials>(keys.credentials(env), `/environments/${seg(env)}/credentials`);
  const queryClient = useQueryClient();
  const changed = () => void queryClient.invalidateQueries({ queryKey: keys.credentials(env) });
  const [secret, setSecret] = useState<string | undefined>();
  const [removing, setRemoving] = useState<Credentials['public_keys'][number] | undefined>();
  // Created, rotated or refused (a 409: someone created it meanwhile; the tab then offers rotation):
  // the credentials read again.
  const issuance = useMutation({
    mutationFn: (action: 'create' | 'rotate') =>
      api<{ environment_secret: string }>(
        'POST',
        `/environments/${seg(env)}/credentials/${action === 'create' ? 'secret' : 'rotate-secret'}`,
        action === 'create' ? undefined : { grace_seconds: 86_400 },
      ),
    onSettled: changed,
  });
  const keyRemoval = useMutation({
    mutationFn: (id: string) => api('DELETE', `/environments/${seg(env)}/credentials/public-keys/${seg(id)}`),
    onSuccess: changed,
  });
  const busy = issuance.isPending;
  if (creds.loading && !creds.data) return <Loading label="Loading customer-token credentials" />;
  if (creds.error instanceof ApiRequestError && creds.error.status === 404)
    return (
      <Empty
        title="Customer tokens are coming soon"
        description="This server doesn't manage customer-token credentials yet."
      />
    );
  if (creds.error !== undefined) return <ErrorState error={creds.error} onRetry={creds.reload} />;
  const c = creds.data!;
  const issue = async (action: 'create' | 'rotate') => {
    try {
      setSecret((await issuance.mutateAsync(action)).environment_secret);
      notifications.show(
        action === 'create'
          ? { color: 'teal', title: 'Environment secret created', message: 'Copy it now: it is shown this once.' }
          : {
              color: 'teal',
              title: 'Environment secret rotated',
              message: 'Copy the new secret now. The previous one keeps working for 24 hours.',
            },
      );
    } catch (err) {
      notifications.show({
        color: 'red',
        title: action === 'create' ? 'Not created' : 'Not rotated',
        message: describeError(err),
      });
    }
  };
  const exists = c.secret_created_at !== null || secret !== undefined;
  return (
    <Stack>
      <Card withBorder>
        <Stack>
          <Text size="sm">
            Your backend signs customer tokens (JWTs) with <code>iss</code> set to the environment key, using the
            environment secret (HS256/384/512) or a registered public key.
          </Text>
          <CopyField label="Environment key" value={c.environment_key} />
          {secret ? (
            <SecretReveal secret={secret} label="Environment secret" />
          ) : exists ? (
            <Text size="sm" c="dimmed">
              The environment secret was shown when it was created
              {c.secret_created_at ? ` (${new Date(c.secret_created_at).toLocaleString()})` : ''} and can't be shown
              again. Rotate it to get a new one.
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              This environment has no secret yet. Create one to sign customer tokens with HS256/384/512; it is shown
              once.
            </Text>
          )}
          <Group>
            {exists ? (
              <Button
                variant="default"
                leftSection={<IconRefresh size={16} aria-hidden />}
                loading={busy}
                onClick={() => issue('rotate')}
              >
                Rotate environment secret
              </Button>
            ) : (
              <Button leftSection={<IconKey size={16} aria-hidden />} loading={busy} onClick={() => issue('create')}>
                Create secret
              </Button>
            )}
          </Group>
        </Stack>
      </Card>
      {c.public_keys.length === 0 ? (
        <Empty
          title="No public keys"
          description={
            <>
              Register ES256, RS256, PS256 or EdDSA public keys below or with <code>gatehouse env add-public-key</code>.
            </>
          }
        />
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped aria-label="Public keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Algorithm</Table.Th>
                <Table.Th>Key ID</Table.Th>
                <Table.Th>Admin tokens</Table.Th>
                <Table.Th>Added</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {c.public_keys.map((k) => (
                <Table.Tr key={k.id}>
                  <Table.Td>{k.alg}</Table.Td>
                  <Table.Td>{k.kid ?? '—'}</Table.Td>
                  <Table.Td>{k.allow_admin ? 'Allowed' : 'No'}</Table.Td>
                  <Table.Td>{new Date(k.created_at).toLocaleString()}</Table.Td>
                  <Table.Td ta="right">
                    <Button
                      variant="subtle"
                      color="red"
                      size="xs"
                      onClick={() => setRemoving(k)}
                      aria-label={`Remove key ${k.kid ?? k.id}`}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <RegisterPublicKey env={env} onAdded={changed} />
      {removing && (
        <ConfirmModal
          title="Remove public key?"
          confirmLabel="Remove key"
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await keyRemoval.mutateAsync(removing.id);
            notifications.show({ color: 'teal', title: 'Public key removed', message: removing.kid ?? removing.id });
          }}
        >
          <Text size="sm">
            Customer tokens signed with the {removing.alg} key{' '}
            {removing.kid ? <code>{removing.kid}</code> : <code>{removing.id}</code>} are refused from now on.
          </Text>
        </ConfirmModal>
      )}
    </Stack>
  );
}
