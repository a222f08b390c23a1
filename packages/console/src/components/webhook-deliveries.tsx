/**
 * An endpoint's recent deliveries (newest first, 20 a page, "Load older deliveries" by cursor):
 * type, status, attempts, the last answer's status code and latency, when; "Redeliver" sends one
 * again (same `webhook-id` and body, due now). While one is pending the log reads itself again
 * every few seconds, so a sent test event turns "delivered" on screen.
 */
import { useState, type ReactNode } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Badge, Box, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh } from '@tabler/icons-react';
import { describeError, seg, useApi } from '../api/client';
import { keys, view } from '../api/queries';
import type { Page, WebhookDelivery, WebhookEndpoint } from '../api/types';
import { webhooksPath, type WebhookMutations } from '../api/webhooks';
import { Empty, ErrorState, Loading } from './states';

const PAGE_SIZE = 20;
/** How often a log with a pending delivery reads itself again, ms. */
const PENDING_REFRESH_MS = 3000;
const STATUS_COLOR = { pending: 'yellow', delivered: 'teal', failed: 'red' } as const;

/** The last answer of a delivery: status code (or the error when none came), latency. */
function LastAnswer({ d }: { d: WebhookDelivery }) {
  if (d.attempts === 0 && d.last_attempt_at === null) return <Text size="sm">not sent yet</Text>;
  return (
    <>
      <Text size="sm">{d.last_status_code ?? 'no answer'}</Text>
      {d.last_error && (
        <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }} maw={220}>
          {d.last_error}
        </Text>
      )}
    </>
  );
}

/** When a delivery was made, and when it is tried next if it failed and waits. */
function When({ d }: { d: WebhookDelivery }) {
  return (
    <>
      <Text size="sm">{new Date(d.created_at).toLocaleString()}</Text>
      {d.status === 'pending' && d.attempts > 0 && d.next_attempt_at && (
        <Text size="xs" c="dimmed">
          next try {new Date(d.next_attempt_at).toLocaleTimeString()}
        </Text>
      )}
    </>
  );
}

/** A delivery's "Redeliver" button. */
type RedeliverButton = (d: WebhookDelivery) => ReactNode;

/**
 * The log on a phone: one block per delivery (type and status, then attempts, last answer,
 * latency and time, then "Redeliver") instead of a table to scroll sideways.
 */
function NarrowLog({ label, items, button }: { label: string; items: WebhookDelivery[]; button: RedeliverButton }) {
  return (
    <Box component="ul" className="gh-narrow-only" aria-label={label} p={0} m={0} style={{ listStyle: 'none' }}>
      {items.map((d) => (
        <Box
          component="li"
          key={d.id}
          py="xs"
          style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
          data-testid="webhook-delivery-narrow"
        >
          <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Group gap="xs">
                <code>{d.type}</code>
                <Badge color={STATUS_COLOR[d.status]} variant="light" className="gh-badge-whole">
                  {d.status}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
                {d.last_status_code !== null && ` · status ${d.last_status_code}`}
                {d.last_latency_ms !== null && ` · ${d.last_latency_ms} ms`}
              </Text>
              {d.last_error && (
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {d.last_error}
                </Text>
              )}
              <Text size="xs" c="dimmed">
                {new Date(d.created_at).toLocaleString()}
              </Text>
            </Stack>
            {button(d)}
          </Group>
        </Box>
      ))}
    </Box>
  );
}

/** The delivery log of `endpoint` of `env`. */
export function WebhookDeliveries({
  env,
  endpoint,
  mutations,
}: {
  env: string;
  endpoint: WebhookEndpoint;
  mutations: WebhookMutations;
}) {
  const { api } = useApi();
  const path = `${webhooksPath(env, endpoint.id)}/deliveries?limit=${PAGE_SIZE}`;
  const pages = useInfiniteQuery({
    queryKey: keys.webhookDeliveries(env, endpoint.id),
    queryFn: ({ pageParam }) =>
      api<Page<WebhookDelivery>>('GET', `${path}${pageParam ? `&cursor=${seg(pageParam)}` : ''}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.items.some((d) => d.status === 'pending')) ? PENDING_REFRESH_MS : false,
  });
  // An older page that fails keeps the deliveries shown and says so.
  const list = view({ ...pages, error: pages.data ? undefined : pages.error });
  const loadOlder = async () => {
    const result = await pages.fetchNextPage();
    if (result.isError)
      notifications.show({
        color: 'red',
        title: 'Could not load older deliveries',
        message: describeError(result.error),
      });
  };
  // Only a refresh asked for shows as loading (not the reads while a delivery is pending).
  const [refreshing, setRefreshing] = useState(false);
  const refresh = async () => {
    setRefreshing(true);
    await pages.refetch();
    setRefreshing(false);
  };
  const redeliver = async (d: WebhookDelivery) => {
    try {
      await mutations.redeliver.mutateAsync({ id: endpoint.id, delivery: d.id });
      notifications.show({ color: 'teal', title: 'Redelivery queued', message: `${d.type} (${d.id})` });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not redelivered', message: describeError(err) });
    }
  };
  if (list.loading && !list.data) return <Loading label="Loading deliveries" />;
  if (list.error !== undefined) return <ErrorState error={list.error} onRetry={list.reload} />;
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const refreshButton = (
    <Button
      size="xs"
      variant="subtle"
      leftSection={<IconRefresh size={14} aria-hidden />}
      loading={refreshing}
      onClick={() => void refresh()}
    >
      Refresh deliveries
    </Button>
  );
  const button: RedeliverButton = (d) => (
    <Button
      size="xs"
      variant="default"
      aria-label={`Redeliver ${d.type} ${d.id}`}
      loading={mutations.redeliver.isPending && mutations.redeliver.variables?.delivery === d.id}
      onClick={() => void redeliver(d)}
    >
      Redeliver
    </Button>
  );
  const label = `Deliveries to ${endpoint.url}`;
  if (!items.length)
    return (
      <Empty
        title="No deliveries yet"
        description="Matching events show here as they are sent. Send a test event to try the endpoint."
        action={refreshButton}
      />
    );
  return (
    <Stack gap="xs">
      <Group justify="flex-end">{refreshButton}</Group>
      <NarrowLog label={label} items={items} button={button} />
      <Box className="gh-wide-only">
        <Table.ScrollContainer minWidth={720}>
          <Table striped verticalSpacing="xs" aria-label={label}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Type</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Last status code</Table.Th>
                <Table.Th>Latency</Table.Th>
                <Table.Th>Time</Table.Th>
                <Table.Th>Action</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((d) => (
                <Table.Tr key={d.id} data-testid="webhook-delivery">
                  <Table.Td>
                    <code>{d.type}</code>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLOR[d.status]} variant="light" className="gh-badge-whole">
                      {d.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{d.attempts}</Table.Td>
                  <Table.Td>
                    <LastAnswer d={d} />
                  </Table.Td>
                  <Table.Td>{d.last_latency_ms === null ? '' : `${d.last_latency_ms} ms`}</Table.Td>
                  <Table.Td>
                    <When d={d} />
                  </Table.Td>
                  <Table.Td>{button(d)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Box>
      {pages.hasNextPage && (
        <Group justify="center">
          <Button variant="default" loading={pages.isFetchingNextPage} onClick={() => void loadOlder()}>
            Load older deliveries
          </Button>
        </Group>
      )}
    </Stack>
  );
}
