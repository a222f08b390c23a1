/** Integrations of an environment: search, table, "Create integration", "Load more". */
import { useEffect, useState } from 'react';
import { Badge, Button, Group, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { api, seg } from '../api/client';
import type { Api, Integration, Page } from '../api/types';
import { useRequest } from '../use-request';
import { Link } from '../router';
import { Empty, ErrorState, Loading } from './states';
import { CreateIntegrationModal } from './create-integration-modal';
import { permissionSummary } from './permission-summary';
import { useCan } from '../capabilities';

/** The integrations tab. */
export function IntegrationsTab({ env }: { env: string }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [creating, setCreating] = useState(false);
  const canCreate = useCan('integrations:create');
  const [more, setMore] = useState<Integration[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const apis = useRequest(() => api<Page<Api>>('GET', `/environments/${seg(env)}/apis`), [env]);
  const allScopes = apis.data?.items.find((a) => a.built_in)?.scopes.map((s) => s.value) ?? [];
  const list = useRequest(
    () =>
      api<Page<Integration>>(
        'GET',
        `/environments/${seg(env)}/integrations?limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}`,
      ),
    [env, q],
  );
  useEffect(() => {
    setMore([]);
    setCursor(list.data?.next_cursor ?? null);
  }, [list.data]);
  const loadMore = async () => {
    if (!cursor) return;
    const page = await api<Page<Integration>>(
      'GET',
      `/environments/${seg(env)}/integrations?limit=50&cursor=${encodeURIComponent(cursor)}${q ? `&q=${encodeURIComponent(q)}` : ''}`,
    );
    setMore((m) => [...m, ...page.items]);
    setCursor(page.next_cursor);
  };
  const items = [...(list.data?.items ?? []), ...more];
  const link = (c: Integration) => `/environments/${seg(env)}/integrations/${seg(c.client_id)}`;

  return (
    <>
      <Group justify="space-between" mb="md" gap="sm">
        <TextInput
          label="Search"
          placeholder="Name or client ID"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          style={{ flexGrow: 1, maxWidth: 360 }}
        />
        {canCreate && (
          <Button
            leftSection={<IconPlus size={16} aria-hidden />}
            onClick={() => setCreating(true)}
            style={{ alignSelf: 'flex-end' }}
          >
            Create integration
          </Button>
        )}
      </Group>
      {list.loading && !list.data && <Loading label="Loading integrations" />}
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.data && items.length === 0 && (
        <Empty
          title={q ? 'No integration matches' : 'No integrations yet'}
          description={
            q
              ? 'Try another name or a full client ID.'
              : 'An integration is a machine user: it gets a client ID and secret to request access tokens.'
          }
        />
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Integrations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Client ID</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Link to={link(c)}>{c.name}</Link>
                  </Table.Td>
                  <Table.Td>
                    <code>{c.client_id}</code>
                  </Table.Td>
                  <Table.Td>{permissionSummary(c.scopes, allScopes)}</Table.Td>
                  <Table.Td>
                    <Badge color={c.enabled ? 'teal' : 'gray'} variant="light">
                      {c.enabled ? 'Enabled' : 'Disabled'}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {cursor && (
        <Group justify="center" mt="md">
          <Button variant="default" onClick={loadMore}>
            Load more
          </Button>
        </Group>
      )}
      <CreateIntegrationModal env={env} opened={creating} onClose={() => setCreating(false)} onCreated={list.reload} />
    </>
  );
}
