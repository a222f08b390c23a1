/**
 * An audit log: who changed what, when, from where (newest first) — an environment's, or without
 * `env` the server-wide one (signing keys, console administrators and sign-ins, throttled IPs);
 * filterable by action, actor, target and time, with the before/after of updates.
 */
import { useState } from 'react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { describeError, seg, useApi } from '../api/client';
import type { AuditEvent, Integration, Page } from '../api/types';
import { keys, view } from '../api/queries';
import { Empty, ErrorState, Loading } from './states';
import { AuditFilters, ChangesCell, filterQuery, NO_FILTER, type AuditFilterValues } from './audit-filters';

/** Events per page; "Load older events" fetches the next page through the list's cursor. */
const PAGE_SIZE = 50;

/**
 * Names of an environment's integrations by client ID (its first 100: the names shown beside the
 * client IDs of the audit log); empty for the server-wide log or when they can't be read.
 */
function useIntegrationNames(env: string | undefined): Map<string, string> {
  const { api } = useApi();
  const names = useQuery({
    queryKey: keys.integrationNames(env ?? ''),
    queryFn: () => api<Page<Integration>>('GET', `/environments/${seg(env!)}/integrations?limit=100`),
    enabled: env !== undefined,
    select: (page) => new Map(page.items.map((c) => [c.client_id, c.name])),
  });
  return names.data ?? new Map();
}

/** An ID (a client ID, or `integration:<client_id>`) with its integration's name beside it when known. */
function Named({ id, names }: { id: string; names: Map<string, string> }) {
  const clientId = id.startsWith('integration:') ? id.slice('integration:'.length) : id;
  const name = names.get(clientId);
  if (name === undefined) return <>{id}</>;
  return (
    <>
      <Text span size="sm" fw={500} data-testid="audit-name">
        {name}
      </Text>{' '}
      <Text span size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        ({id})
      </Text>
    </>
  );
}

/** The audit table of `env`, or the server-wide one. */
export function AuditTab({ env, label = 'Audit log' }: { env?: string; label?: string }) {
  const { api } = useApi();
  const names = useIntegrationNames(env);
  const path = env === undefined ? '/audit' : `/environments/${seg(env)}/audit`;
  const [filter, setFilter] = useState<AuditFilterValues>(NO_FILTER);
  const query = filterQuery(filter);
  const pages = useInfiniteQuery({
    queryKey: keys.audit(env, query),
    queryFn: ({ pageParam }) =>
      api<Page<AuditEvent>>('GET', `${path}?limit=${PAGE_SIZE}${query}${pageParam ? `&cursor=${seg(pageParam)}` : ''}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    // New filters keep the filter form and the last answer on screen until their own answer.
    placeholderData: keepPreviousData,
  });
  // An older page that fails keeps the events shown and says so.
  const list = view({ ...pages, error: pages.data ? undefined : pages.error });
  const loadingOlder = pages.isFetchingNextPage;
  const loadOlder = async () => {
    const result = await pages.fetchNextPage();
    if (result.isError)
      notifications.show({ color: 'red', title: 'Could not load older events', message: describeError(result.error) });
  };
  const filters = <AuditFilters value={filter} onApply={setFilter} />;
  if (list.loading && !list.data) return <Loading label="Loading the audit log" />;
  if (list.error !== undefined)
    return (
      <Stack>
        {filters}
        <ErrorState error={list.error} onRetry={list.reload} />
      </Stack>
    );
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const cursor = pages.hasNextPage;
  if (!items.length)
    return (
      <Stack>
        {filters}
        <Empty title={query ? 'No event matches these filters' : 'Nothing recorded yet'} />
      </Stack>
    );
  return (
    <Stack>
      {filters}
      <Table.ScrollContainer minWidth={900}>
        <Table striped verticalSpacing="xs" aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>Result</Table.Th>
              <Table.Th>IP</Table.Th>
              <Table.Th>What changed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((e) => (
              <Table.Tr key={e.id}>
                <Table.Td>{new Date(e.created_at).toLocaleString()}</Table.Td>
                <Table.Td>
                  <Named id={e.actor} names={names} />
                </Table.Td>
                <Table.Td>
                  <code>{e.action}</code>
                </Table.Td>
                <Table.Td>{e.target === null ? '' : <Named id={e.target} names={names} />}</Table.Td>
                <Table.Td>
                  <Badge color={e.result === 'success' ? 'teal' : 'red'} variant="light" className="gh-badge-whole">
                    {e.result}
                  </Badge>
                </Table.Td>
                <Table.Td>{e.ip ?? ''}</Table.Td>
                <Table.Td>
                  <ChangesCell changes={e.changes} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {cursor && (
          <Group justify="center" mt="md">
            <Button variant="default" loading={loadingOlder} onClick={() => void loadOlder()}>
              Load older events
            </Button>
          </Group>
        )}
      </Table.ScrollContainer>
    </Stack>
  );
}
