/**
 * Integrations of an environment: search, table (name, client ID, authentication method,
 * permissions on every API, last use, status), "Create integration", "Load more".
 */
import { useState } from 'react';
import { keepPreviousData, useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Group, Table, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { seg, useApi } from '../api/client';
import type { Api, Integration, Page } from '../api/types';
import { keys, useApiQuery, view } from '../api/queries';
import { Link } from './link';
import { Empty, ErrorState, Loading } from './states';
import { CreateIntegrationModal } from './create-integration-modal';
import { grantsSummary } from './permission-summary';
import { useCan } from '../capabilities';

/** The integrations tab. */
export function IntegrationsTab({ env }: { env: string }) {
  const { api } = useApi();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [creating, setCreating] = useState(false);
  const canCreate = useCan('integrations:create');
  const apis = useApiQuery<Page<Api>>(keys.apis(env), `/environments/${seg(env)}/apis`);
  // Pages of 50 through the list's cursor ("Load more"); a new search shows the last answer until its own.
  const query = useInfiniteQuery({
    queryKey: keys.integrationList(env, q),
    queryFn: ({ pageParam }) =>
      api<Page<Integration>>(
        'GET',
        `/environments/${seg(env)}/integrations?limit=50${pageParam ? `&cursor=${seg(pageParam)}` : ''}${q ? `&q=${seg(q)}` : ''}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    placeholderData: keepPreviousData,
  });
  const list = view(query);
  const cursor = query.hasNextPage;
  const loadMore = () => void query.fetchNextPage();
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const queryClient = useQueryClient();
  const created = () => {
    void queryClient.invalidateQueries({ queryKey: keys.integrationLists(env) });
    // Both show its integration count.
    void queryClient.invalidateQueries({ queryKey: keys.environment(env), exact: true });
    void queryClient.invalidateQueries({ queryKey: keys.environmentLists });
  };
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
        <Table.ScrollContainer minWidth={900}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Integrations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Client ID</Table.Th>
                <Table.Th>Authentication</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>Last used</Table.Th>
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
                  <Table.Td>
                    {c.token_endpoint_auth_method === 'private_key_jwt' ? 'Private key (JWT)' : 'Client secret'}
                  </Table.Td>
                  <Table.Td>{grantsSummary(c.grants, apis.data?.items ?? [])}</Table.Td>
                  <Table.Td>
                    {c.last_used_at ? (
                      <time dateTime={c.last_used_at}>{new Date(c.last_used_at).toLocaleString()}</time>
                    ) : (
                      'Never'
                    )}
                  </Table.Td>
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
      <CreateIntegrationModal env={env} opened={creating} onClose={() => setCreating(false)} onCreated={created} />
    </>
  );
}
