/**
 * "Delete environment" in an environment's settings: a typed confirmation (the slug); offered to owners and operators only
 * while another environment exists (the server refuses the last one too).
 */
import { useState } from 'react';
import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { seg, useApi } from '../api/client';
import type { Environment, Page } from '../api/types';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keys, useApiQuery } from '../api/queries';
import { useNavigate } from 'react-router';
import { ConfirmModal } from './confirm-modal';
import { useCan } from '../capabilities';

/** The danger zone of environment `env`. */
export function DeleteEnvironment({ env }: { env: Environment }) {
  const { api } = useApi();
  const navigate = useNavigate();
  const others = useApiQuery<Page<Environment>>(keys.environmentList(2), '/environments?limit=2');
  const queryClient = useQueryClient();
  const deletion = useMutation({
    mutationFn: () => api('DELETE', `/environments/${seg(env.slug)}?confirm=${seg(env.slug)}`),
    onSuccess: () => {
      // Nothing of it is left to show; the lists lose it.
      queryClient.removeQueries({ queryKey: keys.environment(env.slug) });
      void queryClient.invalidateQueries({ queryKey: keys.environmentLists });
      void queryClient.invalidateQueries({ queryKey: keys.me });
    },
  });
  const [open, setOpen] = useState(false);
  const can = useCan('environment:delete');
  if (!can || !others.data || others.data.items.length < 2) return null;
  return (
    <Card withBorder mt="xl" maw={480} role="region" aria-label="Delete environment">
      <Stack gap="xs">
        <Title order={2} size="h4">
          Delete environment
        </Title>
        <Text size="sm">
          Deletes {env.name} with its integrations, APIs, customers, keys and content. Its tokens stop working. This
          can't be undone.
        </Text>
        <Group>
          <Button
            color="red"
            variant="outline"
            leftSection={<IconTrash size={16} aria-hidden />}
            onClick={() => setOpen(true)}
          >
            Delete environment
          </Button>
        </Group>
      </Stack>
      {open && (
        <ConfirmModal
          title={`Delete ${env.name}?`}
          confirmLabel="Delete environment"
          typed={env.slug}
          onClose={() => setOpen(false)}
          onConfirm={async () => {
            await deletion.mutateAsync();
            notifications.show({ color: 'teal', title: 'Environment deleted', message: env.slug });
            navigate('/');
          }}
        >
          <Text size="sm">
            Everything in <code>{env.slug}</code> is deleted and {env.integration_count} integration(s) lose access at
            once.
          </Text>
        </ConfirmModal>
      )}
    </Card>
  );
}
