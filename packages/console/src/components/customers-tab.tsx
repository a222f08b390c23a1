/** Customers of an environment (known through customer tokens), when the server offers the list. */
import { Table } from '@mantine/core';
import { api, ApiRequestError, seg } from '../api/client';
import type { Customer, Page } from '../api/types';
import { useRequest } from '../use-request';
import { Empty, ErrorState, Loading } from './states';

/** The customers tab: a table, or an empty state. */
export function CustomersTab({ env }: { env: string }) {
  const list = useRequest(() => api<Page<Customer>>('GET', `/environments/${seg(env)}/customers?limit=100`), [env]);
  if (list.loading && !list.data) return <Loading label="Loading customers" />;
  if (list.error instanceof ApiRequestError && list.error.status === 404) return <Empty title="Customers are coming soon" description="This server doesn't list customers yet." />;
  if (list.error !== undefined) return <ErrorState error={list.error} onRetry={list.reload} />;
  const items = list.data?.items ?? [];
  if (!items.length) return <Empty title="No customers yet" description="A customer appears here the first time one of its customer tokens is used." />;
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped verticalSpacing="sm" aria-label="Customers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>ID</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Last seen</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>
                <code>{c.id}</code>
              </Table.Td>
              <Table.Td>{c.name ?? '—'}</Table.Td>
              <Table.Td>{new Date(c.last_seen_at).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
