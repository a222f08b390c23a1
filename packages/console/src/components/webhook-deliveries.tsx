/**
 * An endpoint's recent deliveries (newest first, 20 a page, "Load older deliveries" by cursor):
 * type, status, attempts, the last answer's status code and latency, when; "Redeliver" sends one
 * again (same `webhook-id` and body, due now). While one is pending the log reads itself again
 * every few seconds, so a sent test event turns "delivered" on screen.
 */
import { useState } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Group, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh } from '@tabler/icons-react';
import { describeError, seg, useApi } from '../api/client';
import { keys, view } from '../api/queries';
import type { Page, WebhookDelivery, WebhookEndpoint } from '../api/types';
import { webhooksPath, type WebhookMutations } from '../api/webhooks';
import { Empty, ErrorState, Loading } from './states';
import { NarrowLog, WideLog, type RedeliverButton } from './webhook-delivery-views';

const PAGE_SIZE = 20;
/** How often a log with a pending delivery reads itself again, ms. */
const PENDING_REFRESH_MS = 3000;

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
      variant="default"
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
      <WideLog label={label} items={items} button={button} />
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
