/** The APIs (resource servers) of an environment, with their scopes; "Register API". */
import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { api, describeError, seg } from '../api/client';
import type { Api, Page } from '../api/types';
import { useRequest } from '../use-request';
import { ErrorState, Loading } from './states';

/** Parses "value description" lines into scopes. */
export function parseScopes(text: string): { value: string; description: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [value, ...rest] = l.split(/\s+/);
      return { value: value!, description: rest.join(' ').replace(/^[-–:]\s*/, '') };
    });
}

/** The APIs tab. */
export function ApisTab({ env }: { env: string }) {
  const list = useRequest(() => api<Page<Api>>('GET', `/environments/${seg(env)}/apis`), [env]);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [audience, setAudience] = useState('');
  const [scopes, setScopes] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<Api>('POST', `/environments/${seg(env)}/apis`, { name: name.trim(), audience: audience.trim(), scopes: parseScopes(scopes) });
      notifications.show({ color: 'teal', title: 'API registered', message: created.audience });
      setOpen(false);
      setName('');
      setAudience('');
      setScopes('');
      list.reload();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  if (list.loading && !list.data) return <Loading label="Loading APIs" />;
  if (list.error !== undefined) return <ErrorState error={list.error} onRetry={list.reload} />;
  return (
    <Stack>
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Integrations request tokens for one API at a time (<code>audience</code>); each API has its own scopes.
        </Text>
        <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setOpen(true)}>
          Register API
        </Button>
      </Group>
      {list.data!.items.map((a) => (
        <Card withBorder key={a.id}>
          <Group gap="xs" mb={4}>
            <Title order={2} size="h4">
              {a.name}
            </Title>
            {a.built_in && <Badge variant="light">Built in</Badge>}
          </Group>
          <Text size="sm" mb="xs">
            Audience <code>{a.audience}</code>
          </Text>
          <Group gap={6}>
            {a.scopes.map((s) => (
              <Badge key={s.value} variant="outline" color="gray" tt="none" title={s.description}>
                {s.value}
              </Badge>
            ))}
          </Group>
        </Card>
      ))}
      <Modal opened={open} onClose={() => setOpen(false)} title="Register API">
        <form onSubmit={submit}>
          <Stack>
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
            <TextInput label="Audience" description="A URI identifying your service, e.g. https://api.example.com" required value={audience} onChange={(e) => setAudience(e.currentTarget.value)} />
            <Textarea label="Scopes" description="One per line: the scope, then its description" autosize minRows={3} value={scopes} onChange={(e) => setScopes(e.currentTarget.value)} placeholder={'invoices:read Read invoices\ninvoices:write Create invoices'} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Register API
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
