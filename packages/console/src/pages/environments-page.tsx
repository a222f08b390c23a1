/**
 * Environments: a table with name (opens the environment), slug, integration count and an "Edit"
 * button (opens its Settings tab); "Create environment".
 */
import { useState } from 'react';
import { ActionIcon, Button, Group, Table, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconPencil, IconPlus } from '@tabler/icons-react';
import type { Environment, Page } from '../api/types';
import { keys, useApiQuery } from '../api/queries';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from '../components/link';
import { Empty, ErrorState, Loading } from '../components/states';
import { CreateEnvironmentModal } from '../components/create-environment-modal';
import { AuditTab } from '../components/audit-tab';
import { useMe } from '../capabilities';

/** The list of environments. */
export function EnvironmentsPage() {
  const envs = useApiQuery<Page<Environment>>(keys.environmentList(100), '/environments?limit=100');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  // Only operators create environments and read the server-wide log; members see their own environments.
  const operator = useMe().data?.operator === true;
  const edit = (slug: string) => `/environments/${encodeURIComponent(slug)}`;
  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={1} size="h2">
          Environments
        </Title>
        {operator && (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            Create environment
          </Button>
        )}
      </Group>
      {envs.loading && !envs.data && <Loading label="Loading environments" />}
      {envs.error !== undefined && <ErrorState error={envs.error} onRetry={envs.reload} />}
      {envs.data && envs.data.items.length === 0 && (
        <Empty title="No environments yet" description="Create one to add integrations." />
      )}
      {envs.data && envs.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={340}>
          <Table striped highlightOnHover verticalSpacing="sm" aria-label="Environments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Slug</Table.Th>
                <Table.Th>Integrations</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {envs.data.items.map((env) => (
                <Table.Tr key={env.slug}>
                  <Table.Td>
                    <Link to={edit(env.slug)}>{env.name}</Link>
                  </Table.Td>
                  <Table.Td>
                    <code>{env.slug}</code>
                  </Table.Td>
                  <Table.Td>{env.integration_count}</Table.Td>
                  <Table.Td ta="right">
                    <Tooltip label={`Edit the settings of ${env.name}`} withArrow>
                      <ActionIcon
                        variant="subtle"
                        aria-label="Edit"
                        onClick={() => navigate(`${edit(env.slug)}/settings`)}
                      >
                        <IconPencil size={18} aria-hidden />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {operator && (
        <>
          <Title order={2} size="h3" mt="xl" mb="sm">
            Server audit log
          </Title>
          <AuditTab label="Server audit log" />
        </>
      )}
      <CreateEnvironmentModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(env) => {
          setCreating(false);
          void queryClient.invalidateQueries({ queryKey: keys.environmentLists });
          navigate(edit(env.slug));
        }}
      />
    </>
  );
}
