/**
 * The rows of a webhook endpoint's delivery log, in its two layouts: a table from 768 px, a list
 * on phones (type and status, then attempts, last answer, latency and time, then "Redeliver")
 * instead of a table to scroll sideways. Both show the same deliveries; CSS shows one.
 */
import type { ReactNode } from 'react';
import { Badge, Box, Group, Stack, Table, Text } from '@mantine/core';
import type { WebhookDelivery } from '../api/types';

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
export type RedeliverButton = (d: WebhookDelivery) => ReactNode;

/**
 * The log on a phone: one block per delivery (type and status, then attempts, last answer,
 * latency and time, then "Redeliver") instead of a table to scroll sideways.
 */
export function NarrowLog({
  label,
  items,
  button,
}: {
  label: string;
  items: WebhookDelivery[];
  button: RedeliverButton;
}) {
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

/** The log as a table (from 768 px). */
export function WideLog({
  label,
  items,
  button,
}: {
  label: string;
  items: WebhookDelivery[];
  button: RedeliverButton;
}) {
  return (
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
  );
}
