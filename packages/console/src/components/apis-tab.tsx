/**
 * The APIs (resource servers) of an environment, with their scopes: "Register API", and for the
 * tenant's own APIs "Edit" (name and scopes; a removed scope leaves every grant) and "Delete"
 * (refused while integrations hold grants on it unless their grants go too). The built-in
 * Environment API is fixed.
 */
import { useState } from 'react';
import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { seg } from '../api/client';
import type { Api, Page } from '../api/types';
import { useQueryClient } from '@tanstack/react-query';
import { keys, useApiQuery } from '../api/queries';
import { ErrorState, Loading } from './states';
import { ApiFormModal, DeleteApiModal } from './api-modals';

/** The APIs tab. */
export function ApisTab({ env }: { env: string }) {
  const list = useApiQuery<Page<Api>>(keys.apis(env), `/environments/${seg(env)}/apis`);
  const queryClient = useQueryClient();
  // An API's scopes are what integrations are granted: a change shows in their lists and pages too.
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: keys.apis(env) });
    void queryClient.invalidateQueries({ queryKey: [...keys.environment(env), 'integrations'] });
  };
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Api | undefined>();
  const [deleting, setDeleting] = useState<Api | undefined>();

  if (list.loading && !list.data) return <Loading label="Loading APIs" />;
  if (list.error !== undefined) return <ErrorState error={list.error} onRetry={list.reload} />;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Integrations request tokens for one API at a time (<code>audience</code>); each API has its own scopes.
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
          Register API
        </Button>
      </Group>
      {list.data!.items.map((a) => (
        <Card withBorder key={a.id} role="region" aria-label={a.name}>
          <Group justify="space-between" mb={4} wrap="wrap">
            <Group gap="xs">
              <Title order={2} size="h4">
                {a.name}
              </Title>
              {a.built_in && <Badge variant="light">Built in</Badge>}
            </Group>
            {!a.built_in && (
              <Group gap="xs">
                <Button
                  variant="default"
                  size="xs"
                  leftSection={<IconPencil size={14} aria-hidden />}
                  onClick={() => setEditing(a)}
                  aria-label={`Edit ${a.name}`}
                >
                  Edit
                </Button>
                <Button
                  variant="subtle"
                  color="red"
                  size="xs"
                  leftSection={<IconTrash size={14} aria-hidden />}
                  onClick={() => setDeleting(a)}
                  aria-label={`Delete ${a.name}`}
                >
                  Delete
                </Button>
              </Group>
            )}
          </Group>
          <Text size="sm" mb="xs" style={{ overflowWrap: 'anywhere' }}>
            Audience <code>{a.audience}</code>
          </Text>
          <Group gap={6}>
            {a.scopes.map((s) => (
              <Badge key={s.value} variant="outline" color="gray" tt="none" title={s.description}>
                {s.value}
              </Badge>
            ))}
            {a.scopes.length === 0 && (
              <Text size="sm" c="dimmed">
                No scopes
              </Text>
            )}
          </Group>
        </Card>
      ))}
      {creating && <ApiFormModal env={env} onClose={() => setCreating(false)} onSaved={changed} />}
      {editing && <ApiFormModal env={env} existing={editing} onClose={() => setEditing(undefined)} onSaved={changed} />}
      {deleting && (
        <DeleteApiModal env={env} target={deleting} onClose={() => setDeleting(undefined)} onDeleted={changed} />
      )}
    </Stack>
  );
}
