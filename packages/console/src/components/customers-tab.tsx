/**
 * Customers of an environment (known through customer tokens), when the server offers the list:
 * a table; "View" opens a customer's details (id, name, fields, first and last seen) with
 * "Delete customer" (the customer and the projects and outputs it owns, after a confirmation).
 * A caller without `customers:write` still views customers (read actions stay enabled and
 * reachable by keyboard); only Delete is disabled, with the read-only note above the table.
 */
import { useState } from 'react';
import { Button, Code, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiRequestError, seg } from '../api/client';
import { useApiMutation } from '../api/mutations';
import type { Customer, Page } from '../api/types';
import { keys, useApiQuery } from '../api/queries';
import { Empty, ErrorState, Loading } from './states';
import { ReadOnlyNote, useCan } from '../capabilities';
import { ConfirmModal } from './confirm-modal';

/** The customers tab: a table, or an empty state. */
export function CustomersTab({ env }: { env: string }) {
  const list = useApiQuery<Page<Customer>>(keys.customers(env), `/environments/${seg(env)}/customers?limit=100`);
  const deletion = useApiMutation<void, string>('DELETE', (id) => `/environments/${seg(env)}/customers/${seg(id)}`, [
    keys.customers(env),
  ]);
  const [viewing, setViewing] = useState<Customer | undefined>();
  const [deleting, setDeleting] = useState<Customer | undefined>();
  const canWrite = useCan('customers:write');
  if (list.loading && !list.data) return <Loading label="Loading customers" />;
  if (list.error instanceof ApiRequestError && list.error.status === 404)
    return <Empty title="Customers are coming soon" description="This server doesn't list customers yet." />;
  if (list.error !== undefined) return <ErrorState error={list.error} onRetry={list.reload} />;
  const items = list.data?.items ?? [];
  if (!items.length)
    return (
      <Empty
        title="No customers yet"
        description="A customer appears here the first time one of its customer tokens is used."
      />
    );
  return (
    <>
      {!canWrite && <ReadOnlyNote what="customers" />}
      <Table.ScrollContainer minWidth={560}>
        <Table striped verticalSpacing="sm" aria-label="Customers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>ID</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>Details</Table.Th>
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
                <Table.Td>
                  <Button
                    variant="default"
                    size="xs"
                    onClick={() => setViewing(c)}
                    aria-label={`View customer ${c.id}`}
                  >
                    View
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {viewing && !deleting && (
        <Modal opened onClose={() => setViewing(undefined)} title={`Customer ${viewing.name ?? viewing.id}`}>
          <Stack gap="xs">
            <Text size="sm">
              ID <code>{viewing.id}</code>
            </Text>
            <Text size="sm">Name: {viewing.name ?? '—'}</Text>
            <Text size="sm">First seen: {new Date(viewing.created_at).toLocaleString()}</Text>
            <Text size="sm">Last seen: {new Date(viewing.last_seen_at).toLocaleString()}</Text>
            <Text size="sm" fw={500}>
              Fields
            </Text>
            {Object.keys(viewing.fields).length ? (
              <Code block aria-label="Fields">
                {JSON.stringify(viewing.fields, null, 2)}
              </Code>
            ) : (
              <Text size="sm">None</Text>
            )}
            <Button color="red" variant="outline" mt="sm" disabled={!canWrite} onClick={() => setDeleting(viewing)}>
              Delete customer
            </Button>
          </Stack>
        </Modal>
      )}
      {deleting && (
        <ConfirmModal
          title={`Delete customer ${deleting.id}?`}
          confirmLabel="Delete customer"
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await deletion.mutateAsync(deleting.id);
            notifications.show({ color: 'teal', title: 'Customer deleted', message: deleting.id });
            setViewing(undefined);
          }}
        >
          <Text size="sm">
            The customer and the projects and outputs it owns are deleted. If its tokens are used again, it comes back
            as a new customer.
          </Text>
        </ConfirmModal>
      )}
    </>
  );
}
