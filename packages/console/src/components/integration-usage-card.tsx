/**
 * What an operator needs to judge an integration at a glance (issue #19): when it was last used,
 * how old its secret is, when a rotated-out secret stops working, how many live tokens it has.
 */
import { Card, Group, Stack, Text } from '@mantine/core';
import type { Integration } from '../api/types';

const when = (iso: string | null, none: string) => (iso ? new Date(iso).toLocaleString() : none);

function Fact({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={2} miw={150}>
      <Text size="xs" fw={600} tt="uppercase" c="gray.7">
        {label}
      </Text>
      <Text size="sm" data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}

/** The usage card of integration `c`. */
export function IntegrationUsageCard({ integration: c }: { integration: Integration }) {
  return (
    <Card withBorder aria-label="Usage" component="section">
      {/* A wrapping row, not a responsive grid: Mantine's responsive props inject an inline <style>, which the console's CSP refuses. */}
      <Group gap="xl" wrap="wrap" align="flex-start">
        <Fact label="Last used" value={when(c.last_used_at, 'Never')} testId="last-used" />
        <Fact
          label="Secret created"
          value={
            c.token_endpoint_auth_method === 'private_key_jwt'
              ? 'No secret (keys only)'
              : when(c.secret_created_at, 'Unknown')
          }
          testId="secret-created"
        />
        <Fact
          label="Previous secret"
          value={
            c.previous_secret_expires_at
              ? `Works until ${new Date(c.previous_secret_expires_at).toLocaleString()}`
              : 'None works'
          }
          testId="previous-secret"
        />
        <Fact label="Live tokens" value={String(c.live_tokens)} testId="live-tokens" />
      </Group>
    </Card>
  );
}
