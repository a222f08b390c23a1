/**
 * "Federated credentials" on the General tab (issue #26): the platform issuers and subjects whose
 * tokens authenticate as the integration instead of a secret or key (Kubernetes service accounts,
 * GitHub Actions workflows, SPIFFE IDs). A preset fills the issuer and shows the subject's form;
 * an operator adds a credential or removes one after confirmation. Adding one is decided like
 * adding a key: the tab disables this card when `manage_keys` is refused.
 */
import { useState } from 'react';
import {
  ActionIcon,
  Button,
  Card,
  Group,
  Modal,
  Radio,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import type { FederatedCredential, FederatedCredentialAdd } from '@gatehouse/contracts';
import { describeError, seg, useApi } from '../api/client';
import type { Integration } from '../api/types';
import { keys as queryKeys, useApiQuery } from '../api/queries';
import { FEDERATED_PRESETS, parseClaimLines } from './federated-presets';
import { ErrorState, Loading } from './states';

/** The card. */
export function FederatedCredentialsCard({ integration: c }: { integration: Integration }) {
  const { api } = useApi();
  const path = `/environments/${seg(c.environment)}/integrations/${seg(c.client_id)}/federated-credentials`;
  const queryKey = [...queryKeys.integration(c.environment, c.client_id), 'federated-credentials'];
  const list = useApiQuery<{ items: FederatedCredential[] }>(queryKey, path);
  const queryClient = useQueryClient();
  const reload = () => void queryClient.invalidateQueries({ queryKey });
  const [preset, setPreset] = useState(FEDERATED_PRESETS[0]!.value);
  const chosen = FEDERATED_PRESETS.find((p) => p.value === preset) ?? FEDERATED_PRESETS[0]!;
  const [issuer, setIssuer] = useState(chosen.issuer);
  const [subject, setSubject] = useState('');
  const [audience, setAudience] = useState('');
  const [claims, setClaims] = useState('');
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<FederatedCredential | undefined>();
  const choose = (value: string) => {
    setPreset(value);
    setIssuer(FEDERATED_PRESETS.find((p) => p.value === value)?.issuer ?? '');
  };
  const add = async () => {
    setBusy(true);
    try {
      const parsed = parseClaimLines(claims);
      const body: FederatedCredentialAdd = {
        issuer: issuer.trim(),
        subject: subject.trim(),
        ...(audience.trim() && { audience: audience.trim() }),
        ...(Object.keys(parsed).length > 0 && { claims: parsed }),
      };
      await api<FederatedCredential>('POST', path, body);
      notifications.show({ color: 'teal', title: 'Federated credential added', message: body.subject });
      setSubject('');
      setClaims('');
    } catch (err) {
      notifications.show({ color: 'red', title: 'Credential not added', message: describeError(err) });
    } finally {
      setBusy(false);
      reload();
    }
  };
  const remove = async (id: string) => {
    setBusy(true);
    try {
      await api('DELETE', `${path}/${seg(id)}`);
      notifications.show({ color: 'teal', title: 'Federated credential removed', message: id });
      setRemoving(undefined);
      reload();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Credential not removed', message: describeError(err) });
    } finally {
      setBusy(false);
    }
  };
  const items = list.data?.items ?? [];

  return (
    <Card withBorder>
      <Stack>
        <Text fw={600}>Federated credentials</Text>
        <Text size="sm" c="dimmed">
          Let a workload authenticate with the token its platform gives it — no secret to store. Tokens from the issuer
          whose subject matches get this integration&apos;s tokens.
        </Text>
        {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
        {list.loading && !list.data && <Loading label="Loading federated credentials" />}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={300}>
            <Table striped aria-label="Federated credentials">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Issuer · subject</Table.Th>
                  <Table.Th>Audience</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((f) => (
                  <Table.Tr key={f.id}>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>
                      <Text size="sm">{f.issuer}</Text>
                      <Text size="xs" ff="monospace" c="dimmed">
                        {f.subject}
                        {Object.entries(f.claims).map(([k, v]) => ` · ${k}=${String(v)}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>
                      <Text size="sm">{f.audience ?? 'this server (default)'}</Text>
                    </Table.Td>
                    <Table.Td w={48}>
                      <Tooltip label="Remove credential">
                        <ActionIcon
                          color="red"
                          variant="subtle"
                          aria-label={`Remove federated credential ${f.subject}`}
                          onClick={() => setRemoving(f)}
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
        <Radio.Group label="Platform" value={preset} onChange={choose}>
          <Group gap="md" mt={4}>
            {FEDERATED_PRESETS.map((p) => (
              <Radio key={p.value} value={p.value} label={p.label} />
            ))}
          </Group>
        </Radio.Group>
        <TextInput
          label="Issuer"
          placeholder={chosen.issuerPlaceholder}
          value={issuer}
          onChange={(e) => setIssuer(e.currentTarget.value)}
        />
        <TextInput
          label="Subject"
          description={`Form: ${chosen.subjectForm}`}
          placeholder={chosen.subjectPlaceholder}
          value={subject}
          onChange={(e) => setSubject(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'monospace' } }}
        />
        <TextInput
          label="Audience (optional)"
          description="The aud the platform puts in the token; empty: this server's issuer identifier"
          value={audience}
          onChange={(e) => setAudience(e.currentTarget.value)}
        />
        <Textarea
          label="Claim conditions (optional)"
          description="One path=value per line; dotted paths reach nested claims"
          placeholder={chosen.claimsPlaceholder}
          autosize
          minRows={1}
          maxRows={6}
          value={claims}
          onChange={(e) => setClaims(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'monospace' } }}
        />
        <Group>
          <Button onClick={add} loading={busy} disabled={!issuer.trim() || !subject.trim()}>
            Add federated credential
          </Button>
        </Group>
      </Stack>
      <Modal opened={removing !== undefined} onClose={() => setRemoving(undefined)} title="Remove federated credential">
        <Stack>
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            Remove the credential for <b>{removing?.subject}</b>? Its platform tokens stop working. Tokens already
            issued stay valid until they expire.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(undefined)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={() => removing && remove(removing.id)}>
              Remove credential
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
