/**
 * The Webhooks tab of an environment (issue #28): the endpoints Gatehouse POSTs the environment's
 * audit events to, signed per Standard Webhooks. "Add endpoint" shows the new signing secret once,
 * on the endpoint's card; each card enables/disables, edits, rotates the secret, sends a test
 * event, removes, and shows the endpoint's delivery log. Shown to owners, admins and operators
 * (capability `webhooks:write`).
 */
import { useState } from 'react';
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useWebhookEndpoints, useWebhookMutations } from '../api/webhooks';
import { Empty, ErrorState, Loading } from './states';
import { WebhookEndpointCard } from './webhook-endpoint-card';
import type { FreshSecret } from './webhook-endpoint-notes';
import { WebhookEndpointModal } from './webhook-endpoint-modal';
import { MAX_ENDPOINTS } from './webhook-events';

/** The tab of `env`. */
export function WebhooksTab({ env }: { env: string }) {
  const list = useWebhookEndpoints(env);
  const mutations = useWebhookMutations(env);
  const [adding, setAdding] = useState(false);
  // The secret just issued (memory only: a reload forgets it, as the server never answers it again).
  const [fresh, setFresh] = useState<FreshSecret | undefined>();
  const items = list.data?.items ?? [];
  const full = items.length >= MAX_ENDPOINTS;
  const add = (
    <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setAdding(true)} disabled={full}>
      Add endpoint
    </Button>
  );
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div style={{ minWidth: 0, flex: '1 1 280px' }}>
          <Title order={2} size="h4">
            Webhooks
          </Title>
          <Text size="sm" c="dimmed" maw={720}>
            Gatehouse POSTs this environment&apos;s audit events — integrations, members, APIs, tokens changing — to
            your endpoints as they happen, signed per Standard Webhooks, and retries failed deliveries with growing
            delays for up to 24 hours.
          </Text>
        </div>
        {items.length > 0 && add}
      </Group>
      {full && (
        <Text size="sm" c="dimmed" data-testid="webhooks-full">
          An environment has at most {MAX_ENDPOINTS} endpoints: remove one to add another.
        </Text>
      )}
      {list.loading && !list.data && <Loading label="Loading webhook endpoints" />}
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.data && items.length === 0 && (
        <Empty
          title="No webhook endpoints yet"
          description="Add an endpoint to stream this environment's audit events to your own systems — a SIEM, a chat alert, a cache to invalidate — instead of polling the audit log. Each delivery is signed so your receiver can tell it came from Gatehouse."
          action={add}
        />
      )}
      {items.map((e) => (
        <WebhookEndpointCard
          key={e.id}
          env={env}
          endpoint={e}
          mutations={mutations}
          fresh={fresh?.endpoint.id === e.id ? fresh : undefined}
          onSecret={setFresh}
          onHideSecret={() => setFresh(undefined)}
        />
      ))}
      {adding && (
        <WebhookEndpointModal
          mutations={mutations}
          onClose={() => setAdding(false)}
          onCreated={(created) => setFresh({ endpoint: created, rotated: false })}
        />
      )}
    </Stack>
  );
}
