/**
 * What a webhook endpoint's card says in words: how receivers verify a just-issued secret (and,
 * after a rotation, until when both signatures come), and a state that needs attention (failing,
 * or disabled by the server after 24 h of failures).
 */
import { Alert, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { WebhookEndpoint, WebhookEndpointWithSecret } from '../api/types';

/** A secret just issued for an endpoint: by creation, or by rotation. */
export interface FreshSecret {
  endpoint: WebhookEndpointWithSecret;
  rotated: boolean;
}

/** An ISO time as the browser's locale writes it. */
export const when = (iso: string) => new Date(iso).toLocaleString();

/** How receivers check a delivery, and (after a rotation) until when both signatures come. */
export function SecretNote({ fresh }: { fresh: FreshSecret }) {
  const until = fresh.endpoint.previous_secret_expires_at;
  return (
    <Stack gap={4}>
      <Text size="sm">
        Receivers verify each delivery per Standard Webhooks: an HMAC-SHA256 of <code>webhook-id</code>,{' '}
        <code>webhook-timestamp</code> and the body with this secret must match a <code>v1,</code> signature of the{' '}
        <code>webhook-signature</code> header (the <code>standardwebhooks</code> libraries do this).
      </Text>
      {fresh.rotated && (
        <Text size="sm" data-testid="rotation-overlap">
          {until
            ? `Until ${when(until)} each delivery carries both signatures — the new secret's first, then the old one's — so receivers holding either secret accept it.`
            : 'The old secret stopped signing now: receivers need the new one.'}
        </Text>
      )}
    </Stack>
  );
}

/** The endpoint's state in words, when it is not plainly enabled and healthy. */
export function StateNote({ endpoint: e }: { endpoint: WebhookEndpoint }) {
  if (e.disabled_reason === 'failing')
    return (
      <Alert
        color="red"
        variant="light"
        icon={<IconAlertTriangle aria-hidden />}
        title="Disabled after 24 h of failures"
      >
        No delivery succeeded{e.failing_since ? ` since ${when(e.failing_since)}` : ''}, so Gatehouse stopped sending.
        Fix the receiver, then enable the endpoint: its pending deliveries resume.
      </Alert>
    );
  if (e.enabled && e.failing_since)
    return (
      <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} title="Failing">
        Deliveries fail since {when(e.failing_since)} and are retried with growing delays; after 24 h of failures the
        endpoint is disabled.
      </Alert>
    );
  return null;
}
